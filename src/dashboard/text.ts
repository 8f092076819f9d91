// The sanitizer, for views: text from outside is stripped of terminal control sequences before it is drawn.
export { errorMessage, oneLine, sanitize } from '../text/sanitize.js';

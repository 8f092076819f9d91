// The one observable-store helper, for the view state the dashboard keeps itself.
export { Observable } from '../engine/observable.js';

// The key registry and the line editor, for the views that draw hints and help and turn Ink's keys into commands.
export { activeBindings, hintsFor, KEY_BINDINGS, resolveKey } from '../keys/registry.js';
export type { CommandId, KeyBinding, KeyPress, KeyScope } from '../keys/registry.js';
export { editLine, typedText } from '../keys/lineEditor.js';

// The key registry and the line editor, for the views that draw hints and help and turn Ink's keys into commands.
export { activeBindings, appliesTo, hintsFor, KEY_BINDINGS, matches, resolveKey } from '../keys/registry.js';
export type { CommandId, KeyBinding, KeyPress, KeyScope, KeySpec } from '../keys/registry.js';
export { editLine, typedText, type LineEdit } from '../keys/lineEditor.js';

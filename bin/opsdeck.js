#!/usr/bin/env node
// Loads the bundle and nothing else; see scripts/build.mjs.
import '../dist/opsdeck.js';

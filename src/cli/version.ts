declare const __OPSDECK_VERSION__: string | undefined;

/** Set by the bundler from package.json; "dev" when run from the sources (tests). */
export const VERSION: string = typeof __OPSDECK_VERSION__ === 'string' ? __OPSDECK_VERSION__ : 'dev';

/** Version from package.json, fixed at build time. */
declare const __APP_VERSION__: string

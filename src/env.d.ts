/// <reference types="vite/client" />

/** Version from package.json, fixed at build time. */
declare const __APP_VERSION__: string
/** Label of this build (commit or `APP_BUILD`), fixed at build time. */
declare const __APP_BUILD__: string

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}

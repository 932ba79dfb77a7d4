/// <reference lib="webworker" />
import type { PrecacheEntry } from 'workbox-precaching'
import { serveAppShell } from './app-shell'
import { listenForLifecycle } from './lifecycle'
import { listenForBackgroundSync } from './outbox'
import { listenForReminderClicks } from './reminder'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] }

// The build replaces `self.__WB_MANIFEST` with the list of files to precache: keep it literal.
serveAppShell(self.__WB_MANIFEST)
listenForLifecycle(self)
listenForBackgroundSync(self)
listenForReminderClicks(self)

// @vitest-environment node
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ESLint, type Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')

/** The project's import rules, as `eslint.config.js` states them, without the type-aware rest. */
async function layerLinter(): Promise<ESLint> {
  const { default: config } = (await import(pathToFileURL(path.join(root, 'eslint.config.js')).href)) as { default: Linter.Config[] }
  const importRules = config.filter((entry) => entry.rules && ('no-restricted-imports' in entry.rules || '@typescript-eslint/no-restricted-imports' in entry.rules))
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin } }, ...importRules],
  })
}

const linter = layerLinter()

/** The import rules `code` breaks as the file `file`; anything else ESLint says (a parse error) fails the test. */
async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await (await linter).lintText(code, { filePath: path.join(root, file) })
  const messages = result?.messages ?? []
  const other = messages.filter((message) => !message.ruleId?.endsWith('no-restricted-imports'))
  if (other.length) throw new Error(other.map((message) => message.message).join('; '))
  return messages.map((message) => message.ruleId ?? '')
}

describe('who may import whom', () => {
  it.each([
    ['a field screen imports the dashboard', 'src/views/Probe.ts', "import { useDashboardStore } from '@/dashboard/store'\nexport const x = useDashboardStore"],
    [
      'a field component imports the dashboard by a relative path',
      'src/components/report/Probe.ts',
      "import { createDashboardApi } from '../../dashboard/api'\nexport const x = createDashboardApi",
    ],
    ['a field store imports the dashboard', 'src/stores/Probe.ts', "import type { DashboardApi } from '@/dashboard/api'\nexport type X = DashboardApi"],
    ['a screen imports the db', 'src/views/Probe.ts', "import { db } from '@/db/database'\nexport const x = db"],
    ['a screen imports sync', 'src/components/Probe.ts', "import { syncOutbox } from '@/sync/outbox'\nexport const x = syncOutbox"],
    ['the dashboard imports the phone’s db', 'src/dashboard/Probe.ts', "import { db } from '@/db/database'\nexport const x = db"],
    ['the dashboard imports the outbox', 'src/dashboard/Probe.ts', "import { syncOutbox } from '@/sync/outbox'\nexport const x = syncOutbox"],
    ['the dashboard imports a field store', 'src/dashboard/views/Probe.ts', "import { useFieldStore } from '@/stores/field'\nexport const x = useFieldStore"],
    ['the app imports a protocol schema as a value', 'src/sync/Probe.ts', "import { PushRequest } from '@/protocol'\nexport const x = PushRequest"],
    ['a composable imports sync', 'src/composables/Probe.ts', "import { syncOutbox } from '@/sync/outbox'\nexport const x = syncOutbox"],
    ['the domain imports Vue', 'src/domain/Probe.ts', "import { ref } from 'vue'\nexport const x = ref"],
    ['the endpoint imports the app’s db', 'server/Probe.ts', "import { db } from '../src/db/database'\nexport const x = db"],
  ])('refuses: %s', async (_case, file, code) => {
    expect(await refusals(file, code)).not.toHaveLength(0)
  })

  it.each([
    ['the router loads a dashboard screen lazily', 'src/router.ts', "export const load = () => import('@/dashboard/views/DashboardLayout.vue')"],
    ['a screen takes protocol types', 'src/views/Probe.ts', "import type { ReportDetail } from '@/protocol'\nexport type X = ReportDetail"],
    ['sync takes protocol constants as values', 'src/sync/Probe.ts', "import { UPLOADS_PATH } from '@/protocol/constants'\nexport const x = UPLOADS_PATH"],
    ['the dashboard uses the app’s HTTP function', 'src/dashboard/Probe.ts', "import { requestJson } from '@/sync/api'\nexport const x = requestJson"],
    ['the dashboard uses the shared report pieces', 'src/dashboard/views/Probe.ts', "import { useFormat } from '@/composables/format'\nexport const x = useFormat"],
    ['a composable reads the db', 'src/composables/Probe.ts', "export const load = () => import('@/db/reports')"],
    ['the endpoint imports the protocol', 'server/Probe.ts', "import { PushRequest } from '../src/protocol'\nexport const x = PushRequest"],
  ])('allows: %s', async (_case, file, code) => {
    expect(await refusals(file, code)).toEqual([])
  })
})

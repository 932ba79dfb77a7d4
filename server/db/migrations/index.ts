import type { Migration } from 'kysely'
import * as m0001 from './0001-meta'
import * as m0002 from './0002-covenant'
import * as m0003 from './0003-reports'
import * as m0004 from './0004-dashboard'
import * as m0005 from './0005-evaluation'
import * as m0006 from './0006-exemplars'
import * as m0007 from './0007-report-revisions'
import * as m0008 from './0008-removals'
import * as m0009 from './0009-demo'
import * as m0010 from './0010-photo-evidence'
import * as m0011 from './0011-year-indexes'
import * as m0012 from './0012-attempts'
import * as m0013 from './0013-thumbnail-failures'
import * as m0014 from './0014-blocs'

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001-meta': m0001,
  '0002-covenant': m0002,
  '0003-reports': m0003,
  '0004-dashboard': m0004,
  '0005-evaluation': m0005,
  '0006-exemplars': m0006,
  '0007-report-revisions': m0007,
  '0008-removals': m0008,
  '0009-demo': m0009,
  '0010-photo-evidence': m0010,
  '0011-year-indexes': m0011,
  '0012-attempts': m0012,
  '0013-thumbnail-failures': m0013,
  '0014-blocs': m0014,
}

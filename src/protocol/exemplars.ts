import { Type, type Static } from '@sinclair/typebox'
import { EXEMPLAR_KINDS, EXEMPLAR_LIMITS, LIMITS } from '../domain'
import { closed, Id, IsoDateTime, oneOf } from './common'
import { PhotoInfo } from './evidence'
import { Receipt } from './push'

/** `GET /api/exemplars`: the exemplary cases put forward from the phones in a year; a lead sees their own unit's. */
export const ExemplarsQuery = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: LIMITS.firstYear, maximum: LIMITS.lastYear, description: 'The covenant year; the active covenant’s when absent' })),
    unitId: Type.Optional(Id),
  },
  closed,
)
export type ExemplarsQuery = Static<typeof ExemplarsQuery>

/** `PUT /api/exemplars/:exemplarId`: the lead or the admin sets the case's words right. */
export const ExemplarEdit = Type.Object(
  {
    kind: oneOf(EXEMPLAR_KINDS),
    nominee: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
    role: Type.String({ maxLength: LIMITS.nameLength }),
    story: Type.String({ minLength: 1, maxLength: EXEMPLAR_LIMITS.storyLength }),
  },
  closed,
)
export type ExemplarEdit = Static<typeof ExemplarEdit>

export const ExemplarView = Type.Object(
  {
    id: Id,
    covenantId: Id,
    unitId: Id,
    unitName: Type.String(),
    authorName: Type.String(),
    ...ExemplarEdit.properties,
    photos: Type.Array(PhotoInfo),
    receipt: Receipt,
    createdAt: IsoDateTime,
    editedAt: Type.Union([IsoDateTime, Type.Null()]),
    editedByName: Type.Union([Type.String(), Type.Null()]),
    /** The year's proposals for commendation made from it. */
    proposalIds: Type.Array(Id),
  },
  closed,
)
export type ExemplarView = Static<typeof ExemplarView>

export const ExemplarsResponse = Type.Object({ exemplars: Type.Array(ExemplarView) }, closed)
export type ExemplarsResponse = Static<typeof ExemplarsResponse>

export const ExemplarParams = Type.Object({ exemplarId: Id }, closed)
export const ExemplarPhotoParams = Type.Object({ exemplarId: Id, photoId: Id }, closed)

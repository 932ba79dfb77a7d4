import jpeg from 'jpeg-js'
import { THUMBNAIL } from './thumbnails'

/** The demo's photos: each one different, and no bigger than a thumbnail, so that the dashboard serves them as they are. */
export const DEMO_PHOTO = { width: THUMBNAIL.edge, height: (THUMBNAIL.edge * 3) / 4, quality: 80 } as const

type Rgb = [number, number, number]

/** The fields' two colours through the year: young rice, full green, ripening, harvest gold. */
const SEASONS: readonly [[Rgb, Rgb], [Rgb, Rgb], [Rgb, Rgb], [Rgb, Rgb]] = [
  [
    [128, 150, 82],
    [150, 134, 92],
  ],
  [
    [92, 160, 70],
    [120, 178, 84],
  ],
  [
    [84, 142, 58],
    [170, 176, 78],
  ],
  [
    [206, 170, 64],
    [176, 150, 60],
  ],
]
const SHIRTS: readonly [Rgb, Rgb, Rgb, Rgb, Rgb] = [
  [30, 70, 150],
  [200, 40, 40],
  [240, 240, 235],
  [40, 120, 90],
  [90, 60, 140],
]

/**
 * A mountain commune as a cadre's phone would see it on a visit in `month`: sky, two ridges,
 * terraced fields in the season's colours, a house and a few people. Drawn from `random`, so the
 * same seed gives the same JPEG and no two seeds the same bytes.
 */
export function demoPhoto(month: number, random: () => number): Buffer {
  const { width, height, quality } = DEMO_PHOTO
  const data = Buffer.alloc(width * height * 4)
  const between = (low: number, high: number) => low + (high - low) * random()
  const horizon = Math.round(height * between(0.3, 0.42))
  const ridges = [0, 1].map((layer) => ({ phase: between(0, 6.28), frequency: between(0.008, 0.02), amplitude: between(30, 70) / (layer + 1), lift: layer * 18 }))
  const [fieldA, fieldB] = SEASONS[Math.min(3, Math.floor((month - 1) / 3))] ?? SEASONS[0]
  const terraces = Array.from({ length: 9 }, (_, index) => ({ base: horizon + 14 + index * between(18, 30), phase: between(0, 6.28) }))
  const house = { x: Math.round(between(40, width - 140)), width: Math.round(between(70, 110)), ground: Math.round(horizon + between(40, 90)) }
  const people = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, index) => ({
    x: Math.round(house.x + house.width + 14 + index * between(18, 26)),
    shirt: SHIRTS[Math.floor(random() * SHIRTS.length)] ?? SHIRTS[0],
  }))

  // What depends on the column only, once per column.
  const columns = Array.from({ length: width }, (_, x) => ({
    ridgeTop: ridges.map((ridge) => horizon + ridge.lift - ridge.amplitude * (0.6 + 0.4 * Math.sin(x * ridge.frequency + ridge.phase))),
    terraceEdges: terraces.map((terrace) => terrace.base + 6 * Math.sin(x * 0.02 + terrace.phase)),
  }))

  const colourAt = (x: number, y: number): Rgb => {
    const { ridgeTop, terraceEdges } = columns[x] ?? { ridgeTop: [], terraceEdges: [] }
    // The house: walls, a roof over them, a dark door.
    const roofTop = house.ground - 70
    const inWalls = x >= house.x && x < house.x + house.width && y >= house.ground - 42 && y < house.ground
    const roofHalf = house.width / 2 + 10 - (house.ground - 42 - y)
    if (y >= roofTop && y < house.ground - 42 && Math.abs(x - (house.x + house.width / 2)) < roofHalf) return [140, 62, 42]
    if (inWalls) return x > house.x + house.width / 2 - 8 && x < house.x + house.width / 2 + 8 && y > house.ground - 26 ? [60, 40, 30] : [214, 192, 150]
    if (y >= house.ground - 35 && y < house.ground)
      for (const person of people) {
        if (Math.hypot(x - person.x, y - (house.ground - 30)) < 5) return [90, 60, 45]
        if (Math.abs(x - person.x) < 6 && y >= house.ground - 25 && y < house.ground - 8) return person.shirt
        if (Math.abs(x - person.x) < 4 && y >= house.ground - 8) return [40, 40, 50]
      }
    if (y < (ridgeTop[0] ?? horizon) && y < (ridgeTop[1] ?? horizon)) {
      const t = y / horizon
      return [110 + 90 * t, 160 + 60 * t, 225 + 15 * t]
    }
    if (y < horizon + 14) return y >= (ridgeTop[1] ?? horizon) ? [58, 96, 70] : [108, 128, 140]
    const band = terraceEdges.findIndex((edge) => y < edge)
    return band % 2 === 0 ? fieldA : fieldB
  }

  for (let y = 0; y < height; y += 1)
    for (let x = 0; x < width; x += 1) {
      const [red, green, blue] = colourAt(x, y)
      // A little grain, as a small camera's sensor gives.
      const grain = (random() - 0.5) * 14
      const at = (y * width + x) * 4
      data[at] = clamp(red + grain)
      data[at + 1] = clamp(green + grain)
      data[at + 2] = clamp(blue + grain)
      data[at + 3] = 255
    }
  return jpeg.encode({ data, width, height }, quality).data
}

const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)))

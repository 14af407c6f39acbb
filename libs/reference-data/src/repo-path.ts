import * as fs from 'node:fs';
import { repoPath } from '@cap-iae/shared';

export function readReferenceJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(repoPath('libs', 'reference-data', 'data', file), 'utf8')) as T;
}

import { Injectable } from '@nestjs/common';

/**
 * Demonstration data for this library (instances et réunions), loaded once after the indicator demo data by the Bootstrapper;
 * must be idempotent and mark everything it creates as demonstration data.
 */
@Injectable()
export class GovernanceDemoLoader {
  // eslint-disable-next-line @typescript-eslint/require-await
  async load(): Promise<number> {
    return 0;
  }
}

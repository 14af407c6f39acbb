import { Injectable } from '@nestjs/common';

/**
 * Demonstration data for this library (financements), loaded once after the indicator demo data by the Bootstrapper;
 * must be idempotent and mark everything it creates as demonstration data.
 */
@Injectable()
export class FundingDemoLoader {
  // eslint-disable-next-line @typescript-eslint/require-await
  async load(): Promise<number> {
    return 0;
  }
}

import { BilansController } from './bilans.controller';
import { BilansPagesController } from './bilans-pages.controller';

/** The bilans' API and pages, registered together in the app's controller list. */
export const BILANS_CONTROLLERS = [BilansController, BilansPagesController];

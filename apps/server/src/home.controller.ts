import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StrategiesService } from '@cap-iae/strategy';
import { Access } from './access/access.decorator';
import type { AppRequest } from './access/request-principal';
import { PageRenderer } from './pages/page-renderer';

/** Landing page until the dashboard lands: the strategies followed and where the API is documented. */
@ApiExcludeController()
@Access('reference', 'read')
@Controller()
export class HomeController {
  constructor(
    private readonly strategies: StrategiesService,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async home(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const strategies = (await this.strategies.list()).map((s) => ({
      ...s,
      objectiveCount: s.axes.reduce((n, a) => n + a.objectives.length, 0),
    }));
    await this.pages.render(req, res, 'home', { title: 'Accueil', nav: 'accueil', strategies });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppState } from './app-state.entity';

@Injectable()
export class AppStateService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.dataSource.getRepository(AppState).findOneBy({ key }))?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.dataSource
      .getRepository(AppState)
      .upsert({ key, value, updatedAt: new Date().toISOString() }, ['key']);
  }
}

import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is served at /api/docs-json and accepted by an OpenAPI validator', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
    const doc = res.body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    for (const path of [
      '/api/v1/strategies',
      '/api/v1/observations',
      '/api/v1/targets',
      '/api/v1/territories',
      '/api/v1/indicators',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('serves its UI from the app itself, with no external asset', async () => {
    const html = await request(t.app.getHttpServer()).get('/api/docs').expect(200);
    expect(html.text).toContain('swagger');
    expect(html.text).not.toMatch(/(src|href)=["']https?:\/\//);
  });
});

import { describe, expect, it } from '@jest/globals';
import { isLive, sourceTarget } from './queries.js';

describe('console sources page helpers', () => {
  it('shows where a source reads from', () => {
    expect(sourceTarget({ url: 'https://a.example/feed.xml', file: null, startUrls: [] })).toBe('https://a.example/feed.xml');
    expect(sourceTarget({ url: null, file: '/data/feed.xml', startUrls: [] })).toBe('/data/feed.xml');
    expect(sourceTarget({ url: null, file: null, startUrls: ['https://a.example/1', 'https://a.example/2'] })).toBe('https://a.example/1 (+1)');
  });
  it('polls only while a run is queued or running', () => {
    expect(isLive([{ status: 'completed' }, { status: 'running' }])).toBe(true);
    expect(isLive([{ status: 'completed' }, { status: 'failed' }])).toBe(false);
  });
});

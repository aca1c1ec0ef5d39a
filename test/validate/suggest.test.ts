import { describe, expect, it } from 'vitest';
import { durationSpelling, fullWidthColonTime, idSuggestion } from '../../src/validate/spelling.js';
import { suggest } from '../../src/validate/suggest.js';

const roles = [
  { id: 'cs-supervisor', names: ['客服主管', '客服组长'] },
  { id: 'duty-officer', names: ['值班员'] },
  { id: 'manager', names: ['经理'] },
];

describe('suggest: the declared id a reference meant', () => {
  it('finds an id by a typo, by its name, by an alias and by a name written with another width or spacing', () => {
    expect(suggest('cs-supervsor', roles)).toEqual({ id: 'cs-supervisor', name: '客服主管' });
    expect(suggest('客服主管', roles)).toEqual({ id: 'cs-supervisor', name: '客服主管' });
    expect(suggest('客服组长', roles)).toEqual({ id: 'cs-supervisor', name: '客服主管' });
    expect(suggest(' 值班员 ', roles)).toEqual({ id: 'duty-officer', name: '值班员' });
    expect(suggest('ｍａｎａｇｅｒ', roles)).toEqual({ id: 'manager', name: '经理' });
  });

  it('finds a name one character off, or the one name containing what was written', () => {
    expect(suggest('值班人', roles)?.id).toBe('duty-officer');
    expect(suggest('主管', roles)?.id).toBe('cs-supervisor');
    expect(suggest('客服主管员', roles)?.id).toBe('cs-supervisor');
  });

  it('suggests nothing for what resembles no candidate, nor for a short id far from every other', () => {
    expect(suggest('chief', roles)).toBeNull();
    expect(suggest('ab', [{ id: 'cd' }])).toBeNull();
    expect(suggest('', roles)).toBeNull();
    expect(suggest('passd', [{ id: 'passed' }])).toEqual({ id: 'passed' });
  });
});

describe('spelling hints', () => {
  it('spells Chinese durations the schema way', () => {
    expect(durationSpelling('两天')).toBe('2d');
    expect(durationSpelling('三个月')).toBe('3mo');
    expect(durationSpelling('15分钟')).toBe('15m');
    expect(durationSpelling('十五分钟')).toBe('15m');
    expect(durationSpelling('二十四小时')).toBe('24h');
    expect(durationSpelling('一周')).toBe('1w');
    expect(durationSpelling('3年')).toBe('3y');
    expect(durationSpelling('１５分钟')).toBe('15m');
    expect(durationSpelling('半天')).toBeNull();
    expect(durationSpelling('15 minutes')).toBeNull();
  });

  it('fixes a time written with the full-width colon, and only then', () => {
    expect(fullWidthColonTime('18：00')).toBe('18:00');
    expect(fullWidthColonTime('次日08：30')).toBe('次日08:30');
    expect(fullWidthColonTime('17：70')).toBeNull();
    expect(fullWidthColonTime('17:70')).toBeNull();
  });
});

describe('idSuggestion: a Chinese name where an id belongs, by the key that holds it', () => {
  const doc = {
    roles: { 'cs-supervisor': { name: '客服主管', aliases: ['客服组长'] } },
    forms: { 'duty-log': { title: '值班记录' } },
    checklists: { keys: { title: '钥匙清点' } },
    references: { 'complaint-handling': { title: '投诉处理规程' } },
    workflow: { steps: { handover: { label: '交接班' } } },
  };
  it('looks among the declared ids of the kind the key names', () => {
    expect(idSuggestion(doc, ['workflow', 'steps', 'x', 'role'], '客服组长')?.id).toBe('cs-supervisor');
    expect(idSuggestion(doc, ['records', 0, 'form'], '值班记录')?.id).toBe('duty-log');
    expect(idSuggestion(doc, ['forms', 'duty-log', 'checklist'], '钥匙清点')?.id).toBe('keys');
    expect(idSuggestion(doc, ['workflow', 'steps', 'x', 'sop'], '投诉处理规程')?.id).toBe(
      'complaint-handling',
    );
    expect(idSuggestion(doc, ['escalations', 'late', 'watch', 0], '交接班')?.id).toBe('handover');
    expect(idSuggestion(doc, ['workflow', 'steps', 'x', 'on', 'GO', 'to'], '交接班')?.id).toBe('handover');
  });
  it('suggests nothing for a key that declares rather than refers, or a name of another kind', () => {
    expect(idSuggestion(doc, ['roles', '客服主管'], '客服主管')).toBeNull();
    expect(idSuggestion(doc, ['records', 0, 'form'], '客服主管')).toBeNull();
  });
});

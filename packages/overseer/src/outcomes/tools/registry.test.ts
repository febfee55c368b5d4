import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OverseerError } from '../../errors.ts';
import { pythonSandboxAvailability } from '../sandbox/index.ts';
import { rankDocuments, readDocuments } from './lookup.ts';
import { createTools, parseToolList, toolbox } from './registry.ts';

const directory = mkdtempSync(join(tmpdir(), 'overseer-tools-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const documents = [
  { id: 'a', title: 'Mount Everest', text: 'The highest mountain above sea level, 8849 metres.' },
  { id: 'b', title: 'K2', text: 'The second highest mountain on Earth.' },
  { id: 'c', title: 'Nile', text: 'A long river in Africa.' },
];

describe('the tool list', () => {
  it('parses names and refuses unknown, repeated or empty ones, saying which are valid', () => {
    expect(parseToolList('calculator, js')).toEqual(['calculator', 'js']);
    expect(() => parseToolList('calculator,shell')).toThrow(/no tool "shell"/);
    expect(() => parseToolList('calculator,shell')).toThrow(OverseerError);
    try {
      parseToolList('shell');
    } catch (error) {
      expect((error as OverseerError).hint).toContain('calculator, python, js, lookup');
    }
    expect(() => parseToolList('js,js')).toThrow(/named twice/);
    expect(() => parseToolList('js,')).toThrow(/empty name/);
    expect(() => createTools(['lookup'])).toThrow(/needs documents/);
  });
});

describe('the toolbox', () => {
  it('runs a call and turns bad arguments and unknown tools into tool errors', async () => {
    const box = toolbox(createTools(['calculator']));
    expect(await box.call('calculator', '{"expression":"2+2"}')).toEqual({
      ok: true,
      output: '4',
      arguments: { expression: '2+2' },
    });
    expect(await box.call('calculator', '{"expression":')).toMatchObject({
      ok: false,
      type: 'parsing',
      error: expect.stringContaining('not JSON'),
    });
    expect(await box.call('calculator', '[1]')).toMatchObject({ ok: false, type: 'parsing' });
    expect(await box.call('search', '{}')).toMatchObject({
      ok: false,
      error: 'there is no tool "search" (tools: calculator)',
    });
  });

  it('runs js in the sandbox and python there or refuses it clearly', async () => {
    const box = toolbox(createTools(['js', 'python']));
    expect(await box.call('js', JSON.stringify({ code: 'console.log(6*7); 1+1' }))).toMatchObject({
      ok: true,
      output: '42\n2',
    });
    expect(await box.call('js', JSON.stringify({ code: 'require("fs")' }))).toMatchObject({
      ok: false,
    });
    const python = await box.call('python', JSON.stringify({ code: 'print(sum(range(10)))' }));
    if (pythonSandboxAvailability().available) {
      expect(python).toMatchObject({ ok: true, output: '45' });
    } else {
      expect(python).toMatchObject({ ok: false, type: 'sandbox_unavailable' });
      expect(python.ok ? '' : python.error).toMatch(/^refused: \S/);
    }
  });

  it('looks up documents by term overlap, rare terms first', async () => {
    expect(rankDocuments(documents, 'highest mountain Everest', 3).map((d) => d.id)).toEqual([
      'a',
      'b',
    ]);
    const file = join(directory, 'documents.jsonl');
    writeFileSync(file, documents.map((document) => JSON.stringify(document)).join('\n'));
    expect(readDocuments(file)).toEqual(documents);
    const box = toolbox(createTools(['lookup'], { documents: file }));
    const found = await box.call('lookup', '{"query":"river"}');
    expect(found).toMatchObject({ ok: true, output: '[c] Nile\nA long river in Africa.' });
    expect(await box.call('lookup', '{"query":"volcano"}')).toMatchObject({
      output: 'no document matches',
    });
    writeFileSync(file, '{"id":"x","title":"t"}\n');
    expect(() => readDocuments(file)).toThrow(/documents\.jsonl:1: text/);
  });
});

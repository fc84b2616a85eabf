import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown.js';

describe('markdown', () => {
  it('reads headings, paragraphs, lists and code blocks', () => {
    const blocks = parseMarkdown('# Spirals\n\nA small MLP\nseparates them.\n\n- two layers\n- ReLU\n\n```json\n{"a": 1}\n```\n');
    expect(blocks.map((b) => b.t)).toEqual(['heading', 'paragraph', 'list', 'code']);
    expect(blocks[1]).toEqual({ t: 'paragraph', children: [{ t: 'text', text: 'A small MLP separates them.' }] });
    expect(blocks[2]).toMatchObject({ t: 'list', ordered: false, items: [[{ t: 'text', text: 'two layers' }], [{ t: 'text', text: 'ReLU' }]] });
    expect(blocks[3]).toEqual({ t: 'code', lang: 'json', text: '{"a": 1}' });
  });

  it('reads inline code, emphasis and links, and drops unsafe link targets', () => {
    expect(parseInline('Applies `y = x·W + b` like **PyTorch**')).toEqual([
      { t: 'text', text: 'Applies ' },
      { t: 'code', text: 'y = x·W + b' },
      { t: 'text', text: ' like ' },
      { t: 'strong', children: [{ t: 'text', text: 'PyTorch' }] },
    ]);
    expect(parseInline('[paper](https://arxiv.org/abs/1)')).toEqual([{ t: 'link', href: 'https://arxiv.org/abs/1', children: [{ t: 'text', text: 'paper' }] }]);
    expect(parseInline('[x](javascript:alert(1))')).toEqual([{ t: 'text', text: 'x' }, { t: 'text', text: ')' }]);
  });

  it('does not read snake_case words as italics', () => {
    expect(parseInline('fan_in and fan_out')).toEqual([{ t: 'text', text: 'fan_in and fan_out' }]);
  });
});

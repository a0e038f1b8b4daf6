#!/usr/bin/env python3
"""Public header docs (issue 13): every HTTPSRC_API function's doc comment
has an @param for each of its parameters, and every callback typedef's doc
says which thread calls it. Usage: doc_check.py HEADER... (exit 1 and one
line per gap, naming the header, the function and the parameter)."""
import re
import sys

DECL = re.compile(r'HTTPSRC_API\b[^;{()]*?\b(httpsrc_\w+)\s*\(([^)]*)\)\s*[;{]')
CB = re.compile(r'typedef\s[^;]*?\(\s*\*\s*(httpsrc_\w+)\s*\)\s*\(([^)]*)\)\s*;')


def doc_before(text, pos):
    """The /** */ comment that ends right before @p pos, or None."""
    head = text[:pos].rstrip()
    if not head.endswith('*/'):
        return None
    start = head.rfind('/*')
    return head[start:] if head.startswith('/**', start) else None


def decl_start(text, pos):
    """Where the declaration whose line starts at @p pos starts: after the
    line that ends the one before (';', '}', '{', '*/', a preprocessor line
    or a blank one)."""
    i = pos
    while i > 0:
        prev_start = text.rfind('\n', 0, i - 1) + 1
        prev = text[prev_start:i - 1].strip()
        if not prev or prev.endswith((';', '*/', '}', '{')) or \
                prev.startswith('#'):
            return i
        i = prev_start
    return 0


def params(arglist):
    names = []
    for a in arglist.split(','):
        a = re.sub(r'/\*.*?\*/', '', a).strip()
        if a in ('', 'void', '...'):
            continue
        m = re.search(r'(\w+)\s*(\[[^\]]*\])?$', a)
        if m:
            names.append(m.group(1))
    return names


def main():
    gaps = 0
    for path in sys.argv[1:]:
        text = open(path).read()
        for m in DECL.finditer(text):
            name, doc = m.group(1), doc_before(text, decl_start(text, m.start()))
            if doc is None:
                print(f'{path}: {name}: no /** */ doc comment')
                gaps += 1
                continue
            for p in params(m.group(2)):
                if not re.search(r'@param(\[[a-z,]+\])?\s+' + p + r'\b', doc):
                    print(f'{path}: {name}: no @param {p}')
                    gaps += 1
        for m in CB.finditer(text):
            name, doc = m.group(1), doc_before(text, decl_start(text, m.start()))
            if doc is None or 'thread' not in doc:
                print(f'{path}: callback {name}: the doc does not say which '
                      'thread calls it')
                gaps += 1
    if gaps:
        print(f'{gaps} gap(s) in the public headers\' docs')
    return 1 if gaps else 0


if __name__ == '__main__':
    sys.exit(main())

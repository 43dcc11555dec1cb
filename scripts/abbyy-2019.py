#!/usr/bin/env python3
"""abbyy-2019.py FILE.gz -- the 2019 Programming Historian method, for comparison.

"Extracting Illustrated Pages from Digital Libraries with Python" (2019)
finds picture pages in an Internet Archive ABBYY file by opening it with
gzip.open, parsing the whole file into an ElementTree, and walking the
pages and their blocks for blockType="Picture".  This script keeps that
method and its cost (the whole tree is held in memory, several times the
size of the XML), but counts pages correctly: only <page> elements are
counted, from 0, so FR10's <documentData> does not shift the indices.

Output: one TSV line per page that has at least one Picture block:
    page  npictures  width  height
Standard library only.
"""

import gzip
import sys
import xml.etree.ElementTree as ET


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: abbyy-2019.py FILE.gz\n")
        return 2
    with gzip.open(argv[1]) as fp:
        tree = ET.parse(fp)
    document = tree.getroot()
    # Tags are namespaced ({...FineReader10-schema-v1.xml}page); take the
    # namespace from the root so FR6, FR8 and FR10 files all work.
    ns = document.tag[:document.tag.index("}") + 1] if \
        document.tag.startswith("{") else ""
    page_tag, block_tag = ns + "page", ns + "block"
    out = []
    for i, page in enumerate(document.iter(page_tag)):
        n = 0
        for block in page.iter(block_tag):
            if block.attrib.get("blockType") == "Picture":
                n += 1
        if n:
            out.append("%d\t%d\t%s\t%s\n"
                       % (i, n, page.get("width"), page.get("height")))
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

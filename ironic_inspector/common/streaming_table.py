"""A table written row by row, for listings too long to hold in memory.

cliff's table formatter (prettytable) reads every row before it writes
the first, to size its columns. Where each column's widest value is known
beforehand (UUIDs, fixed-format timestamps), the table can be written as
the rows come, looking the same.
"""


def write(stream, headers, widths, rows):
    """Write ``rows`` (sequences of strings) as a table, as they come.

    :param widths: the widest value of each column; a longer one widens
        its line, not the column.
    :returns: how many rows were written. An empty listing writes
        nothing, as cliff's table formatter does.
    """
    widths = [max(width, len(header))
              for width, header in zip(widths, headers)]
    border = '+%s+\n' % '+'.join('-' * (width + 2) for width in widths)
    # "%-Ns" pads to N and lets a longer value widen its line.
    line = '| %s |\n' % ' | '.join('%%-%ds' % width for width in widths)
    count = 0
    for row in rows:
        if not count:
            stream.write(border + line % tuple(headers) + border)
        stream.write(line % tuple(row))
        count += 1
    if count:
        stream.write(border)
    return count

"""The benchmark of PRODUCT.md §4: ``python -m bench`` (or ``make bench``)."""

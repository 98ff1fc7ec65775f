"""The open-data API's shared machinery: one base viewset, pagination, CSV, conditional GET.

The endpoints themselves live with their apps (``councils/api/``, ``articles/api/``);
this package holds what every endpoint behaves the same way about, so a data user
meets one set of rules for errors, paging, CSV, caching and throttling.
"""

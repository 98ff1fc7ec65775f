"""The open-data API: every endpoint under /api/, read-only, JSON or CSV.

``base`` holds what every endpoint behaves the same way about (errors, content
negotiation, conditional GET, throttling), with ``pagination``, ``renderers`` (CSV),
``filters`` (how a FilterSet's verdict is told), ``fields`` and ``schema`` (the OpenAPI
document's finishing touches). ``serializers/`` and ``views/`` hold one module per
domain; the FilterSets they use live with their apps (``councils.filters``,
``articles.filters``), shared with the pages.
"""

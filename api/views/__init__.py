"""The API's viewsets, one module per domain: thin, a queryset method, a FilterSet and a serializer each."""

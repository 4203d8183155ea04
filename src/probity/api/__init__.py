"""The JSON API (django-ninja): the guidance contract, search and the codes, for machines."""

"""Placeholder: written by its helper."""

from ninja import Router

router = Router()

"""Listing walkers, one module per CMS family, behind the interface of `base`."""

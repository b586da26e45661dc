"""The gettext catalogues: the only package that knows the PO format. Reading
as strictly as GNU gettext, writing in its layout, merging and counting."""

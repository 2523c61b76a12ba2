"""The registry's domain: people, their categories, ID numbers. No framework imports."""

"""Kong's generic schema library (kong/db/schema/init.lua), free of any entity's own rules."""

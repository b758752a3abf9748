# Formularios.

# El texto de la interfaz del sitio público, en español. Cada mensaje tiene su gemelo en inglés
# en locales/en/site.ftl (una prueba compara los dos).

og-locale = es_US
skip-to-main = Saltar al contenido principal
call-us = Llámenos
call = Llamar al
nav-label = Principal
nav-conditions = Enfermedades de la A a la Z
nav-medications = Medicamentos
nav-compounding = Preparaciones magistrales
nav-locations = Sucursales
footer-emergency = En una emergencia, llame al 911.
footer-disclaimer = Este sitio da información general de salud, no un diagnóstico. Pregunte a su farmacéutico o a su médico sobre su caso.
footer-refills = Resurtir recetas
footer-transfer = Transferir una receta
footer-callback = Pedir una llamada
footer-compounding = Preguntas sobre preparaciones
footer-testimonials = Lo que dicen los pacientes
footer-contact = Contáctenos
footer-search = Buscar
language-suggestion = Esta página en español

# Horario. $time ya viene escrito a la manera del idioma.
open-now = Abierto
closed = Cerrado
closes-at = cierra { $hour ->
    [1] a la
   *[other] a las
  } { $time }
opens-today = abre hoy { $hour ->
    [1] a la
   *[other] a las
  } { $time }
opens-tomorrow = abre mañana { $hour ->
    [1] a la
   *[other] a las
  } { $time }
opens-on = abre el { $day } { $hour ->
    [1] a la
   *[other] a las
  } { $time }
time-hour = { $hour } { $half ->
    [am] a. m.
   *[pm] p. m.
  }
time-minute = { $hour }:{ $minute } { $half ->
    [am] a. m.
   *[pm] p. m.
  }
closed-all-day = Cerrado
monday = lunes
tuesday = martes
wednesday = miércoles
thursday = jueves
friday = viernes
saturday = sábado
sunday = domingo

home-common = Enfermedades comunes
home-all-conditions = { $count ->
    [one] La única enfermedad, de la A a la Z
   *[other] Las { $count } enfermedades, de la A a la Z
  }
home-categories = Buscar por categoría
home-compounding = { $count ->
    [one] Preparamos un medicamento en la concentración y la forma que usted necesita (cremas, geles, cápsulas, pastillas y más), según la orden de su médico.
   *[other] Preparamos { $count } medicamentos en la concentración y la forma que usted necesita (cremas, geles, cápsulas, pastillas y más), según la orden de su médico.
  }
home-compounding-link = Vea lo que preparamos
home-visit = Visítenos o llámenos
home-hours-link = Horarios y direcciones

call-card-title = ¿Preguntas? Hable con un farmacéutico
call-card-callback = O pida que le llamemos
call-card-refill = Pedir un resurtido

search-label = Buscar enfermedades y medicamentos
search-placeholder = p. ej., calambres en las piernas de noche
search-button = Buscar
search-nothing = No encontramos nada para «{ $query }». Pruebe con otras palabras, o
search-browse = vea las enfermedades de la A a la Z
search-closest = Lo más parecido
search-results = { $count ->
    [one] 1 resultado para «{ $query }»:
   *[other] { $count } resultados para «{ $query }»:
  }
results-count = { $count ->
    [one] 1 resultado
   *[other] { $count } resultados
  }
kind-condition = enfermedad
kind-medication = medicamento
did-you-mean = ¿Quiso decir
did-you-mean-heading = ¿Quiso decir…?

review-none = Contenido de ejemplo: todavía no lo ha revisado un farmacéutico.
reviewed-by = Revisado por { $by }.
reviewed-by-on = Revisado por { $by } el { $on }.
reviewed-by-on-next = Revisado por { $by } el { $on }; próxima revisión: { $next }.
translation-unreviewed = Un farmacéutico todavía no ha revisado esta traducción.
translation-stale = Es posible que esta traducción no esté al día: la página en inglés cambió después de traducirla.
translation-missing = Esta página todavía no está traducida; aquí la tiene en inglés.
date = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

level-emergency = Emergencia
level-urgent = Urgente
level-routine = No urgente
instruction-emergency = Llame al 911 ahora.
instruction-urgent = Vea a un médico hoy.
instruction-routine = Dígaselo a su médico.
call-911 = Llamar al 911
sources = Fuentes
testimonial-example = Ejemplo: reemplácelo con las palabras de sus pacientes.
letters-label = Enfermedades por letra inicial
in-english = en inglés
also-called-lower = también llamado
also-called = También llamado:
by-category = Por categoría
conditions-count = { $count ->
    [one] 1 enfermedad
   *[other] { $count } enfermedades
  }
warning-signs = Cuándo buscar ayuda
on-this-page = En esta página
medications-ask-first = Pregunte a su farmacéutico antes de empezar cualquier medicina, también las de venta libre.
over-the-counter = De venta libre
prescription = Con receta
needs-prescription = necesita receta
compounded-here = Lo preparamos aquí
compounded-made = Lo preparamos en nuestra farmacia según la orden de su médico, en la forma que mejor le sirva.
ask-about = Preguntar por
ask = Preguntar
about = por
yes = Sí
no = No
related-conditions = Enfermedades relacionadas
codes = Códigos:
brand-names = Marcas:
drug-class = Tipo:
we-can-make-it-as = Lo podemos preparar como:
why-compound-sold-form = Por qué preparamos una forma que también se vende ya hecha:
conditions-that-list-it = Enfermedades para las que se usa
compounding-lead = Una preparación magistral es un medicamento que hacemos aquí, para un solo paciente, según la orden de su médico: una concentración que no se vende ya hecha, una crema en vez de una tableta, una forma sin colorantes ni alérgenos. Toda preparación necesita receta, y un farmacéutico revisa cada una.
compounding-what = Qué preparamos, y en qué formas
compounding-ingredient = Ingrediente
compounding-listed-for = Se usa para
locations-title = Sucursales y horarios
locations-lead = Llame a cualquier sucursal para hablar con un farmacéutico, preguntar por una preparación o transferir una receta.
email = Correo electrónico:
email-no-health = por favor, no mande datos de salud por correo electrónico
opening-hours = Horario
testimonials-examples = Las citas marcadas como «Ejemplo» son muestras, no palabras de pacientes.
testimonials-permission = Compartimos las palabras de los pacientes con su permiso.
testimonials-different = La salud de cada persona es distinta: pregunte a su farmacéutico qué le puede ayudar.
share-title = Cuéntenos su experiencia
about-conditions = Sobre:
not-found-title = No encontramos la página
not-found-lead = No pudimos encontrar esa página. Puede que se haya movido.
not-found-browse = Ver todas las enfermedades de la A a la Z
not-found-home = Ir a la página principal

# Títulos y descripciones de las páginas.
home-title = Inicio
conditions-title = Enfermedades de la A a la Z
conditions-description = { $count } enfermedades explicadas por { $pharmacy }: causas, señales de alarma, tratamiento y medicinas.
conditions-letter = Enfermedades que empiezan por { $letter }
medications-title = Medicamentos
compounding-title = Preparaciones magistrales
compounding-description = Las medicinas que { $pharmacy } prepara según la orden de un médico, y las formas en que las hacemos.
locations-description = Direcciones, teléfonos y horarios de { $pharmacy }.
testimonials-title = Lo que dicen los pacientes
testimonials-description = Pacientes de { $pharmacy }, en sus propias palabras.
search-title = Buscar
search-description = Buscar enfermedades y medicamentos.
not-found-description = No pudimos encontrar esa página.

# Cómo se consigue un medicamento.
status-over-the-counter = De venta libre
status-supplement = Suplemento (no necesita receta)
status-prescription = Solo con receta
status-controlled = Solo con receta: sustancia controlada
status-controlled-schedule = Solo con receta: sustancia controlada, lista { $schedule }
medications-description = Los medicamentos que { $pharmacy } tiene y prepara, y si cada uno necesita receta.

# Formas farmacéuticas (las palabras del vocabulario del contenido).
form-capsule = cápsula
form-cream = crema
form-enema = enema
form-foam = espuma
form-gel = gel
form-lip-balm = bálsamo labial
form-lollipop = paleta
form-lotion = loción
form-lozenge = pastilla para chupar
form-mouthwash = enjuague bucal
form-nail-solution = solución para uñas
form-nasal-spray = aerosol nasal
form-ointment = ungüento
form-ophthalmic-solution = solución oftálmica (gotas para los ojos)
form-oral-solution = solución oral
form-oral-suspension = suspensión oral
form-otic-solution = solución ótica (gotas para los oídos)
form-paste = pasta
form-powder = polvo
form-rapid-dissolve-tablet = tableta de disolución rápida
form-shampoo = champú
form-solution = solución
form-spray = aerosol
form-stick = barra
form-suppository = supositorio
form-tablet = tableta
form-transdermal-gel = gel transdérmico
form-troche = trocisco (pastilla que se disuelve en la boca)
form-vaginal-cream = crema vaginal
home-description = { $pharmacy }. { $tagline } Enfermedades explicadas, medicinas que preparamos y cómo comunicarse con nosotros.
category-other = Otras
conditions-number = Enfermedades que empiezan por un número o un símbolo
conditions-part-description = { $heading }: { $count } enfermedades explicadas por { $pharmacy }.

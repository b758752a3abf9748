# Los formularios de solicitud, la confirmación y la página de estado. Cada mensaje tiene su
# gemelo en locales/en/forms.ftl (una prueba compara los dos).

## Los cuatro formularios: títulos y la frase debajo.
form-callback-title = Pídanos que le llamemos
form-callback-lead = Un farmacéutico o un técnico de farmacia le llamará en nuestro horario de atención.
form-refill-title = Pedir un resurtido
form-refill-lead = Preparamos su resurtido y le llamamos si hace falta consultar con quien le recetó.
form-transfer-title = Transfiera una receta a nuestra farmacia
form-transfer-lead = Nosotros nos comunicamos con su farmacia actual; suele tardar uno o dos días hábiles.
form-compounding-title = Pregunte por un medicamento preparado
form-compounding-lead = Un farmacéutico le llamará para hablar de lo que se puede preparar y de lo que tiene que enviarnos quien le recete.
form-error-title = Error: { $title }
form-emergency-strong = No es para emergencias.
form-emergency = Si se siente muy mal, llame al 911.
form-problem = Hay un problema
form-error-prefix = Error:
form-honeypot = Deje esto vacío
form-privacy = Lo que envía va cifrado y solo lo ve el equipo de nuestra farmacia.
form-send = Enviar solicitud

## Preguntas y ayudas.
field-name = Nombre completo
field-phone = Número de teléfono
field-phone-hint = 10 dígitos, como 310 555 0134. Le llamamos desde el número de la farmacia.
field-date_of_birth = Fecha de nacimiento
field-date_of_birth-hint = Mes, día y año, por ejemplo 03/14/1980 para el 14 de marzo de 1980. La usamos para encontrar su expediente.
field-location = Sucursal de la farmacia
field-best_time = ¿Cuándo le llamamos?
field-topic = ¿De qué se trata?
field-message-callback = Algo que debamos saber antes de llamar (opcional)
field-message-compounding = Su pregunta (opcional)
field-up-to-1000 = Hasta 1000 caracteres.
field-prescriptions = Números de receta
field-prescriptions-hint = Están en la etiqueta, como 6012345. Ponga cada número en su propia línea o sepárelos con comas.
field-fulfilment = ¿La recoge o se la llevamos?
field-notes = Notas (opcional)
field-current_pharmacy = Farmacia que tiene sus recetas ahora
field-current_pharmacy-hint = El nombre y la ciudad de esa farmacia, como “Main Street Drugs, Pasadena”.
field-current_pharmacy_phone = Número de teléfono de esa farmacia
field-current_pharmacy_phone-hint = 10 dígitos, como 626 555 0199.
field-medications = Medicamentos que quiere transferir
field-medications-hint = Un medicamento por fila, como aparece en la etiqueta, por ejemplo “baclofeno 10 mg”. Agregue el número de receta si lo tiene; si son más de cinco, llámenos.
field-medicine = Medicamento { $row }
field-medicine-optional = Medicamento { $row } (opcional)
field-medicine-rx = Número de receta { $row } (si lo sabe)
field-controlled = ¿Alguno de estos medicamentos es una sustancia controlada?
field-controlled-hint = La ley no permite transferir recetas de la Lista II: para esas necesitamos una receta nueva de quien le recetó. Las recetas de las Listas III a V se pueden transferir una vez.
field-asker = ¿Quién pregunta?
field-ingredients = Medicamento o ingredientes
field-ingredients-hint = Por ejemplo “ketoprofeno” o “baclofeno y ciclobenzaprina”.
field-dosage_form = Forma (opcional)
field-dosage_form-hint = Por ejemplo crema, gel, cápsula o pastilla para chupar.
field-strength = Concentración, si la sabe (opcional)
field-strength-hint = Por ejemplo 10 %.

## Opciones.
best-time-morning = Por la mañana
best-time-afternoon = Por la tarde
best-time-evening = Al final de la tarde
best-time-anytime = En cualquier momento en que estemos abiertos
topic-general = Una pregunta general
topic-refill = Un resurtido
topic-compounding = Un medicamento preparado
topic-other = Otra cosa
fulfilment-pickup = La recojo yo
fulfilment-delivery = Tráiganmela, por favor
controlled-no = No
controlled-schedule-3-5 = Sí, de las Listas III, IV o V
controlled-schedule-2 = Sí, de la Lista II (por ejemplo oxicodona, o estimulantes para el TDAH)
controlled-unsure = No lo sé
asker-patient = El paciente
asker-prescriber = Quien receta (médico u otro profesional)
asker-caregiver = Un cuidador o familiar

## Avisos por mensaje de texto y correo electrónico.
updates-legend = Avisos sobre esta solicitud (opcional)
updates-hint = Un aviso solo dice que su solicitud está lista o que necesitamos hablar con usted, nunca de qué se trata. Responda STOP a cualquier mensaje de texto para dejar de recibirlos.
updates-text-callback = Envíenme un mensaje de texto si necesitan que les llame (al número de arriba)
updates-text = Envíenme un mensaje de texto cuando esté lista (al número de arriba)
updates-email = Envíenme un correo electrónico
updates-email-address = Correo electrónico (solo con “Envíenme un correo electrónico”)

## Qué le falta a un campo.
error-too-long = { $what }: máximo { $max } caracteres (ahora hay { $count })
what-name = Su nombre
what-message = Su mensaje
what-notes = Sus notas
what-pharmacy = El nombre de la farmacia
what-ingredients = Los ingredientes
what-form = La forma
what-strength = La concentración
error-name = Escriba su nombre completo
error-phone = Escriba un número de teléfono de 10 dígitos, como 310 555 0134
error-birth = Escriba su fecha de nacimiento como mes/día/año, por ejemplo 03/14/1980
error-birth-future = La fecha de nacimiento tiene que ser del pasado
error-birth-year = Revise el año de nacimiento
error-rx-none = Escriba al menos un número de receta, como 6012345
error-rx-many = Escriba hasta { $max } números de receta; para más, llámenos
error-rx-number = “{ $number }” no parece un número de receta: use las 4 a 20 letras y cifras impresas en la etiqueta, como 6012345
error-medicine-rx-only = Medicamento { $row }: escriba el nombre del medicamento además del número de receta
error-medicine-too-long = El nombre del medicamento { $row } debe tener { $max } caracteres o menos (tiene { $count })
error-medicine-rx = Medicamento { $row }: “{ $number }” no parece un número de receta: use las 4 a 20 letras y cifras impresas en la etiqueta, como 6012345
error-medicine-none = Escriba al menos un medicamento que quiera transferir, como “baclofeno 10 mg”
error-best-time = Elija cuándo le llamamos
error-topic = Elija de qué se trata su llamada
error-fulfilment = Elija si la recoge o se la llevamos
error-controlled = Díganos si alguno de los medicamentos es una sustancia controlada
error-asker = Díganos quién pregunta
error-location = Elija la sucursal de la farmacia
error-current-pharmacy = Escriba el nombre de la farmacia que tiene sus recetas ahora
error-current-pharmacy-phone = Escriba el número de teléfono de esa farmacia, de 10 dígitos, como 310 555 0134
error-ingredients = Escriba el medicamento o los ingredientes por los que pregunta
error-email-missing = Escriba el correo electrónico al que le escribimos, o desmarque “Envíenme un correo electrónico”
error-email-unticked = Marque “Envíenme un correo electrónico” para recibir correos, o deje vacía la dirección
error-email = Escriba un correo electrónico, como ana@example.com
error-fact = Escriba su fecha de nacimiento, como 03/14/1980, o los 4 últimos dígitos de su teléfono

## Un formulario que no se aceptó.
problem-unreadable-link-title = No se pudo abrir este formulario
problem-unreadable-link = No podemos leer la dirección de este formulario. Ábralo desde nuestro sitio web, o llámenos.
problem-expired-title = Este formulario caducó
problem-expired = Por su seguridad, los formularios se envían solo desde la página de este sitio. Vuelva atrás, recargue el formulario y envíelo de nuevo, o llámenos.
problem-automated-title = No se pudo enviar su solicitud
problem-automated = Este envío parecía automático. Por favor, llámenos.
problem-unsaved-title = Su solicitud no se envió
problem-unsaved = No pudimos guardarla en este momento, así que no nos llegó. Inténtelo de nuevo en un minuto, o llámenos.
problem-unreadable-title = No se pudo enviar su solicitud
problem-unreadable = No se pudo leer este formulario. Vuelva atrás, recargue el formulario y envíelo de nuevo, o llámenos.
problem-lookup-title = No pudimos consultarlo en este momento
problem-lookup = Inténtelo de nuevo en un minuto, o llámenos.

problem-search-title = No se pudo buscar
problem-search = No podemos leer la dirección de esta búsqueda. Escriba su búsqueda de nuevo.

## El formulario para contar su experiencia (testimonios).
share-thanks-strong = Gracias.
share-thanks = Un farmacéutico lee cada experiencia antes de publicarla en nuestro sitio; es posible que la acortemos.
share-read-more = Lea lo que dicen otros pacientes
share-lead = ¿Le ha ayudado nuestra farmacia? Un farmacéutico lee cada experiencia antes de publicarla. Por favor, no incluya datos médicos que no quiera que otros lean.
share-description = Cuente a otros pacientes cómo le ayudó nuestra farmacia.
share-quote = Su experiencia
share-quote-hint = Una o dos frases, hasta 600 caracteres.
share-name = Nombre que se mostrará
share-name-hint = Por ejemplo su nombre y la inicial de su apellido, como “Clara C.”
share-place = Su ciudad
share-consent = Pueden publicar esto en su sitio web con el nombre y la ciudad de arriba
share-send = Enviar
share-error-name = Escriba el nombre que quiere mostrar, como “Clara C.”
share-error-place = Escriba su ciudad, como “Pasadena”
share-error-quote = Escriba una o dos frases sobre su experiencia (al menos 20 caracteres)
share-error-consent = Marque la casilla para permitirnos publicarla, o salga de esta página
share-error-long = Use { $max } caracteres o menos (tiene { $count })

## La confirmación.
received-title = Solicitud recibida
received-description = Tenemos su solicitud.
received-callback = Recibimos su solicitud de llamada
received-refill = Recibimos su solicitud de resurtido
received-transfer = Recibimos su solicitud de transferencia
received-compounding = Recibimos su consulta sobre un medicamento preparado
received-reference = Su número de referencia es
received-keep = Guárdelo: díganoslo si nos llama por esta solicitud.
received-next = Qué pasa ahora
received-open = La sucursal de { $location } está abierta ahora ({ $detail }). Le llamaremos hoy.
received-closed = La sucursal de { $location } está cerrada ahora ({ $detail }); le llamaremos entonces.
received-hours = Le llamaremos en nuestro horario de atención.
received-told-both = Le enviaremos un mensaje de texto y un correo cuando haya novedades.
received-told-text = Le enviaremos un mensaje de texto cuando haya novedades.
received-told-email = Le enviaremos un correo cuando haya novedades.
received-status-before = Puede ver cómo va su solicitud en
received-status-link = la página de estado de solicitudes
received-status-birth = con su número de referencia y su fecha de nacimiento.
received-status-phone = con su número de referencia y los 4 últimos dígitos de su teléfono.
received-schedule-two-strong = Los medicamentos de la Lista II no se pueden transferir.
received-schedule-two = Para esos necesitamos una receta nueva de quien le recetó; le explicaremos cómo cuando le llamemos.
received-unwell = Si se siente muy mal, no espere nuestra llamada: llame al 911.

## La página de estado.
status-title = Consultar el estado de una solicitud
status-description = En qué punto está su solicitud, con su número de referencia.
status-request = Solicitud { $reference }
status-no-match = No encontramos esa solicitud
status-no-match-detail = Revise la referencia y su fecha de nacimiento o los dígitos de su teléfono, e inténtelo de nuevo. O llámenos
status-locked = Demasiados intentos con esta referencia
status-locked-detail = Para proteger su privacidad, esta referencia no se puede consultar aquí durante una hora. Llámenos
status-locked-after = y le diremos en qué punto está.
status-at = al
status-lead = Escriba el número de referencia que le dimos, como R-7KQ3-9M, y un dato que nos dio.
status-reference = Número de referencia
status-fact = Su fecha de nacimiento, o los 4 últimos dígitos de su teléfono
status-fact-hint = La fecha de nacimiento para un resurtido o una transferencia (mes/día/año, como 03/14/1980 o 03141980). Los 4 últimos dígitos de su teléfono para una solicitud de llamada o una consulta sobre un medicamento preparado.
status-check = Consultar el estado
status-privacy = Solo mostramos en qué punto está la solicitud, nunca de qué se trata.
status-received = Recibida en { $location }
status-call-by = Le llamaremos antes de { $when }.
status-call-soon = Le llamaremos lo antes posible. También puede llamarnos al { $phone }.
status-ready-until = Lista para recoger en { $location } hasta { $hour ->
    [1] la
   *[other] las
  } { $time }
status-ready = Lista para recoger en { $location }
status-ready-delivery = Si pidió que se la lleváramos, le llamaremos para organizarlo.
status-ready-closed = La farmacia está cerrada ahora ({ $detail }). Si pidió que se la lleváramos, le llamaremos para organizarlo.
status-need-to-talk = Necesitamos hablar con usted: llame al { $phone }
status-need-to-talk-next = Llame a { $location } en nuestro horario de atención y diga su número de referencia.
status-cannot-fill = No pudimos completar esta solicitud: llame al { $phone }
status-cannot-fill-next = Podemos explicarle por qué y qué puede hacer.
status-done = Listo: esta solicitud está terminada
status-done-next = ¿Preguntas? Llame a { $location } al { $phone }.
status-when-today = { $hour ->
    [1] la
   *[other] las
  } { $time }
status-when-tomorrow = { $hour ->
    [1] la
   *[other] las
  } { $time } de mañana
status-when-day = { $hour ->
    [1] la
   *[other] las
  } { $time } del { $day }

## Mensajes de texto y correos al paciente (sin á, í, ó, ú en los textos: ver content::messages).
text-stop = Responda STOP para dejar de recibir mensajes.
mail-subject = Su solicitud { $reference }
mail-unsubscribe = Para dejar de recibir estos correos: { $link }

## Dejar de recibir correos (el enlace de cada correo).
unsubscribe-title = Dejar de recibir correos sobre sus solicitudes
unsubscribe-description = Deje de recibir avisos de la farmacia por correo electrónico.
unsubscribe-lead = Solo le escribimos para decirle que una solicitud está lista o que necesitamos hablar con usted. Oprima el botón y dejaremos de hacerlo.
unsubscribe-button = No quiero más correos
unsubscribe-done = No recibirá más correos sobre sus solicitudes
unsubscribe-done-detail = Le seguiremos llamando si hace falta. Si marca “Envíenme un correo electrónico” en una solicitud nueva, los volverá a recibir.

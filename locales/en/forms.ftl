# The request forms, the confirmation and the status page. Each message has its twin in
# locales/es/forms.ftl (a test compares the two).

## The four forms: titles and the sentence under them.
form-callback-title = Ask us to call you back
form-callback-lead = A pharmacist or technician will call you during opening hours.
form-refill-title = Request a refill
form-refill-lead = We will get it ready and call you if anything needs your prescriber.
form-transfer-title = Transfer a prescription to us
form-transfer-lead = We contact your current pharmacy for you; it usually takes one to two business days.
form-compounding-title = Ask about a compounded medicine
form-compounding-lead = A pharmacist will call to talk through what can be made and what your prescriber needs to send.
form-error-title = Error: { $title }
form-emergency-strong = Not for emergencies.
form-emergency = If you are very unwell, call 911.
form-problem = There is a problem
form-error-prefix = Error:
form-honeypot = Leave this empty
form-privacy = What you send is encrypted and seen only by our pharmacy team.
form-send = Send request

## Questions and hints.
field-name = Full name
field-phone = Phone number
field-phone-hint = 10 digits, like 310 555 0134. We call from the pharmacy's number.
field-date_of_birth = Date of birth
field-date_of_birth-hint = For example 03/14/1980. We use it to find your records.
field-location = Pharmacy location
field-best_time = When should we call?
field-topic = What is it about?
field-message-callback = Anything we should know before we call (optional)
field-message-compounding = Your question (optional)
field-up-to-1000 = Up to 1,000 characters.
field-prescriptions = Prescription numbers
field-prescriptions-hint = From the label, like 6012345. Put each number on its own line or separate them with commas.
field-fulfilment = Pickup or delivery?
field-notes = Notes (optional)
field-current_pharmacy = Pharmacy that has your prescriptions now
field-current_pharmacy-hint = Its name and town, like “Main Street Drugs, Pasadena”.
field-current_pharmacy_phone = That pharmacy's phone number
field-current_pharmacy_phone-hint = 10 digits, like 626 555 0199.
field-medications = Medicines to transfer
field-medications-hint = One medicine per row, as written on the label, like “baclofen 10 mg”. Add the prescription number if you have it; if you have more than five, call us.
field-medicine = Medicine { $row }
field-medicine-optional = Medicine { $row } (optional)
field-medicine-rx = Prescription number { $row } (if known)
field-controlled = Is any of these medicines a controlled substance?
field-controlled-hint = Schedule II prescriptions cannot be transferred by law: for those we need a new prescription from your prescriber. Schedule III to V prescriptions can be transferred once.
field-asker = Who is asking?
field-ingredients = Medicine or ingredients
field-ingredients-hint = For example “ketoprofen” or “baclofen and cyclobenzaprine”.
field-dosage_form = Form (optional)
field-dosage_form-hint = For example cream, gel, capsule or troche.
field-strength = Strength, if known (optional)
field-strength-hint = For example 10%.

## Choices.
best-time-morning = Morning
best-time-afternoon = Afternoon
best-time-evening = Early evening
best-time-anytime = Any time we are open
topic-general = A general question
topic-refill = A refill
topic-compounding = A compounded medicine
topic-other = Something else
fulfilment-pickup = I will pick it up
fulfilment-delivery = Please deliver it
controlled-no = No
controlled-schedule-3-5 = Yes, Schedule III, IV or V
controlled-schedule-2 = Yes, Schedule II (for example oxycodone, or ADHD stimulants)
controlled-unsure = I am not sure
asker-patient = The patient
asker-prescriber = A prescriber
asker-caregiver = A caregiver or family member

## Updates by text and e-mail.
updates-legend = Updates about this request (optional)
updates-hint = A message only says that your request is ready or that we need to talk — never what it is about. Reply STOP to any text to stop them.
updates-text-callback = Text me if we need you to call us (to the phone number above)
updates-text = Text me when it's ready (to the phone number above)
updates-email = E-mail me
updates-email-address = E-mail address (only with “E-mail me”)

## What is wrong with a field.
error-too-long = { $what } must be { $max } characters or fewer (this is { $count })
what-name = Your name
what-message = Your message
what-notes = Your notes
what-pharmacy = The pharmacy's name
what-ingredients = The ingredients
what-form = The form
what-strength = The strength
error-name = Enter your full name
error-phone = Enter a phone number with 10 digits, like 310 555 0134
error-birth = Enter your date of birth, like 03/14/1980
error-birth-future = Date of birth must be in the past
error-birth-year = Check the year of birth
error-rx-none = Enter at least one prescription number, like 6012345
error-rx-many = Enter up to { $max } prescription numbers; call us for more
error-rx-number = “{ $number }” does not look like a prescription number: use the 4 to 20 letters and digits printed on the label, like 6012345
error-medicine-rx-only = Medicine { $row }: enter its name as well as its prescription number
error-medicine-too-long = Medicine { $row }'s name must be { $max } characters or fewer (this is { $count })
error-medicine-rx = Medicine { $row }: “{ $number }” does not look like a prescription number: use the 4 to 20 letters and digits printed on the label, like 6012345
error-medicine-none = Enter at least one medicine to transfer, like “baclofen 10 mg”
error-best-time = Choose when we should call you
error-topic = Choose what your call is about
error-fulfilment = Choose pickup or delivery
error-controlled = Tell us whether any of the medicines is a controlled substance
error-asker = Tell us who is asking
error-location = Choose the pharmacy location
error-current-pharmacy = Enter the name of the pharmacy that has your prescriptions now
error-current-pharmacy-phone = Enter that pharmacy's phone number with 10 digits, like 310 555 0134
error-ingredients = Enter the medicine or ingredients you are asking about
error-email-missing = Enter the e-mail address we should write to, or untick “E-mail me”
error-email-unticked = Tick “E-mail me” to get e-mails, or leave the address empty
error-email = Enter an e-mail address, like ana@example.com
error-fact = Enter your date of birth, like 03/14/1980, or the last 4 digits of your phone number

## A form that was refused.
problem-unreadable-link-title = This form could not be opened
problem-unreadable-link = The address of this form is not one we can read. Please open it from our website — or call us.
problem-expired-title = This form has expired
problem-expired = For your security, forms must be sent from this website's own page. Please go back, reload the form and send it again — or call us.
problem-automated-title = Your request could not be sent
problem-automated = Something about this submission looked automated. Please call us instead.
problem-unsaved-title = Your request was not sent
problem-unsaved = We could not save it just now, so it has not reached us. Please try again in a minute, or call us.
problem-unreadable-title = Your request could not be sent
problem-unreadable = This form could not be read. Please go back, reload the form and send it again — or call us.
problem-lookup-title = We could not check just now
problem-lookup = Please try again in a minute — or call us.

problem-search-title = Search could not run
problem-search = This search address is not one we can read. Please type your search again.

## The form for sharing a story (testimonials).
share-thanks-strong = Thank you.
share-thanks = A pharmacist reads every story before it appears on our site; we may shorten it.
share-read-more = Read what other patients say
share-lead = Has our pharmacy helped you? A pharmacist reads every story before it is published. Please do not include medical details you would not want others to read.
share-description = Tell other patients how our pharmacy helped you.
share-quote = Your experience
share-quote-hint = A sentence or two, up to 600 characters.
share-name = Name to show
share-name-hint = For example your first name and initial, like “Clair C.”
share-place = Your town
share-consent = You may publish this on your website with the name and town above
share-send = Send
share-error-name = Enter the name to show, like “Clair C.”
share-error-place = Enter your town, like “Pasadena”
share-error-quote = Write a sentence or two about your experience (at least 20 characters)
share-error-consent = Tick the box to let us publish it, or leave this page
share-error-long = Keep it to { $max } characters or fewer (this is { $count })

## The confirmation.
received-title = Request received
received-description = We have your request.
received-callback = We have your call-back request
received-refill = We have your refill request
received-transfer = We have your transfer request
received-compounding = We have your compounding inquiry
received-reference = Your reference is
received-keep = Keep it: say it if you call us about this request.
received-next = What happens next
received-open = { $location } is open now ({ $detail }). We will call you today.
received-closed = { $location } is closed now ({ $detail }); we will call you then.
received-hours = We will call you during opening hours.
received-told-both = We will text and e-mail you when there is news.
received-told-text = We will text you when there is news.
received-told-email = We will e-mail you when there is news.
received-status-before = You can check where it stands on
received-status-link = the request status page
received-status-birth = with your reference and your date of birth.
received-status-phone = with your reference and your phone number's last 4 digits.
received-schedule-two-strong = Schedule II medicines cannot be transferred.
received-schedule-two = For those we need a new prescription from your prescriber; we will tell you how when we call.
received-unwell = If you become very unwell, do not wait for our call: call 911.

## The status page.
status-title = Check a request's status
status-description = Where your request stands, with its reference.
status-request = Request { $reference }
status-no-match = We could not find that request
status-no-match-detail = Check the reference and your date of birth or phone digits, and try again. Or call us
status-locked = Too many tries for this reference
status-locked-detail = To keep requests private, this reference cannot be checked here for an hour. Please call us
status-locked-after = — we can tell you where it stands.
status-at = at
status-lead = Enter the reference you were given, like R-7KQ3-9M, and one thing you told us.
status-reference = Reference
status-fact = Your date of birth, or your phone number's last 4 digits
status-fact-hint = Date of birth for a refill or a transfer (like 03/14/1980, or 03141980). Last 4 digits of your phone for a call-back or a compounding question.
status-check = Check status
status-privacy = We show only where the request stands — never what it is about.
status-received = Received at { $location }
status-call-by = We'll call you by { $when }.
status-call-soon = We'll call you as soon as we can. You can also call us at { $phone }.
status-ready-until = Ready for pickup at { $location } until { $time }
status-ready = Ready for pickup at { $location }
status-ready-delivery = If you asked for delivery, we will call to arrange it.
status-ready-closed = We are closed now ({ $detail }). If you asked for delivery, we will call to arrange it.
status-need-to-talk = We need to talk to you — please call { $phone }
status-need-to-talk-next = Call { $location } during opening hours and say your reference.
status-cannot-fill = We could not fill this — please call { $phone }
status-cannot-fill-next = We can tell you why and what you can do next.
status-done = Done — this request is complete
status-done-next = Questions? Call { $location } at { $phone }.
status-when-today = { $time }
status-when-tomorrow = { $time } tomorrow
status-when-day = { $time } on { $day }

## Texts and e-mails to the patient.
text-stop = Reply STOP to opt out.
mail-subject = Your request { $reference }
mail-unsubscribe = To stop these e-mails: { $link }

## Stopping e-mails (the link in every e-mail).
unsubscribe-title = Stop e-mails about your requests
unsubscribe-description = Stop e-mail updates from the pharmacy.
unsubscribe-lead = We only e-mail to say a request is ready or that we need to talk. Press the button and we will stop.
unsubscribe-button = Stop e-mails
unsubscribe-done = You will get no more e-mails about your requests
unsubscribe-done-detail = We will still call you if we need to. Ticking “E-mail me” on a new request turns them back on.

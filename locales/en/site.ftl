# The public site's interface text, English. Every message here has its Spanish twin in
# locales/es/site.ftl (a test compares the two).

og-locale = en_US
skip-to-main = Skip to main content
call-us = Call us
call = Call
nav-label = Main
nav-conditions = Conditions A–Z
nav-medications = Medications
nav-compounding = Compounding
nav-locations = Locations
footer-emergency = In an emergency, call 911.
footer-disclaimer = This site gives general health information, not a diagnosis. Ask your pharmacist or doctor about your own situation.
footer-refills = Refills
footer-transfer = Transfer a prescription
footer-callback = Call-back
footer-compounding = Compounding questions
footer-testimonials = What patients say
footer-contact = Contact us
footer-search = Search
language-suggestion = This page in English

# Open-now wording. $time is already written the language's way.
open-now = Open now
closed = Closed
closes-at = closes at { $time }
opens-today = opens today at { $time }
opens-tomorrow = opens tomorrow at { $time }
opens-on = opens { $day } at { $time }
time-hour = { $hour } { $half ->
    [am] am
   *[pm] pm
  }
time-minute = { $hour }:{ $minute } { $half ->
    [am] am
   *[pm] pm
  }
closed-all-day = Closed
monday = Monday
tuesday = Tuesday
wednesday = Wednesday
thursday = Thursday
friday = Friday
saturday = Saturday
sunday = Sunday

home-common = Common conditions
home-all-conditions = { $count ->
    [one] The one condition, A to Z
   *[other] All { $count } conditions, A to Z
  }
home-categories = Browse by category
home-compounding = { $count ->
    [one] We make one medicine in the strength and form you need — creams, gels, capsules, troches and more — to your prescriber's order.
   *[other] We make { $count } medicines in the strength and form you need — creams, gels, capsules, troches and more — to your prescriber's order.
  }
home-compounding-link = See what we compound
home-visit = Visit or call
home-hours-link = Hours and directions

call-card-title = Questions? Talk to a pharmacist
call-card-callback = Or ask us to call you back
call-card-refill = Request a refill

search-label = Search conditions and medicines
search-placeholder = e.g. leg cramps at night
search-button = Search
search-nothing = Nothing matched “{ $query }”. Try other words, or
search-browse = browse conditions A–Z
search-closest = Closest matches
search-results = { $count ->
    [one] 1 result for “{ $query }”:
   *[other] { $count } results for “{ $query }”:
  }
results-count = { $count ->
    [one] 1 result
   *[other] { $count } results
  }
kind-condition = condition
kind-medication = medication
did-you-mean = Did you mean
did-you-mean-heading = Did you mean

review-none = Sample content — not yet reviewed by a pharmacist.
reviewed-by = Reviewed by { $by }.
reviewed-by-on = Reviewed by { $by } on { $on }.
reviewed-by-on-next = Reviewed by { $by } on { $on }; next review { $next }.
translation-unreviewed = This translation has not yet been reviewed by a pharmacist.
translation-stale = This translation may be out of date: the English page has changed since it was translated.
translation-missing = This page is not translated yet; here it is in English.
date = { $month } { $day }, { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

level-emergency = Emergency
level-urgent = Urgent
level-routine = Routine
instruction-emergency = Call 911 now.
instruction-urgent = See a doctor today.
instruction-routine = Mention it to your doctor.
call-911 = Call 911
sources = Sources
testimonial-example = Example — replace with your patients' own words.
letters-label = Conditions by first letter
in-english = in English
also-called-lower = also called
also-called = Also called:
by-category = By category
conditions-count = { $count ->
    [one] 1 condition
   *[other] { $count } conditions
  }
warning-signs = When to get help
on-this-page = On this page
medications-ask-first = Ask your pharmacist before starting any medicine, including over-the-counter ones.
over-the-counter = Over-the-counter
prescription = Prescription
needs-prescription = needs a prescription
compounded-here = Compounded here
compounded-made = Made in our pharmacy to your prescriber's order, in the form that suits you.
ask-about = Ask about
ask = Ask
about = about
yes = Yes
no = No
related-conditions = Related conditions
codes = Codes:
brand-names = Brand names:
drug-class = Class:
we-can-make-it-as = We can make it as:
why-compound-sold-form = Why we make a form that is also sold ready-made:
conditions-that-list-it = Conditions that list it
compounding-lead = Compounding means we make a medicine here, for one patient, to a prescriber's order: a strength that is not sold ready-made, a cream instead of a tablet, a form without a dye or allergen. Every compounded medicine needs a prescription, and a pharmacist checks each one.
compounding-what = What we make, and in which forms
compounding-ingredient = Ingredient
compounding-listed-for = Listed for
locations-title = Locations and hours
locations-lead = Call any location to speak to a pharmacist, ask about a compounded medicine or transfer a prescription.
email = E-mail:
email-no-health = please do not send health details by e-mail
opening-hours = Opening hours
testimonials-examples = Quotes marked "Example" are samples, not patients' words.
testimonials-permission = Patients' words are shared with their permission.
testimonials-different = Everyone's health is different: ask your pharmacist what may help you.
share-title = Share your experience
about-conditions = About:
not-found-title = Page not found
not-found-lead = We could not find that page. It may have moved.
not-found-browse = Browse all conditions A–Z
not-found-home = Go to the home page

# Page titles and descriptions.
home-title = Home
conditions-title = Conditions A–Z
conditions-description = { $count } health conditions explained by { $pharmacy }: causes, warning signs, treatment and medicines.
conditions-letter = Conditions starting with { $letter }
medications-title = Medications
compounding-title = Compounding
compounding-description = Medicines { $pharmacy } compounds to a prescriber's order, and the forms we make them in.
locations-description = Addresses, phone numbers and opening hours of { $pharmacy }.
testimonials-title = What patients say
testimonials-description = Patients of { $pharmacy } in their own words.
search-title = Search
search-description = Search conditions and medicines.
not-found-description = We could not find that page.

# Medication status, as a patient reads it.
status-over-the-counter = Over-the-counter
status-supplement = Supplement (no prescription needed)
status-prescription = Prescription only
status-controlled = Prescription only — controlled substance
status-controlled-schedule = Prescription only — controlled substance, Schedule { $schedule }
medications-description = Medicines { $pharmacy } stocks and compounds, with whether each needs a prescription.

# Dosage forms (the content's vocabulary words, as patients read them).
form-capsule = capsule
form-cream = cream
form-enema = enema
form-foam = foam
form-gel = gel
form-lip-balm = lip balm
form-lollipop = lollipop
form-lotion = lotion
form-lozenge = lozenge
form-mouthwash = mouthwash
form-nail-solution = nail solution
form-nasal-spray = nasal spray
form-ointment = ointment
form-ophthalmic-solution = ophthalmic solution
form-oral-solution = oral solution
form-oral-suspension = oral suspension
form-otic-solution = otic solution
form-paste = paste
form-powder = powder
form-rapid-dissolve-tablet = rapid dissolve tablet
form-shampoo = shampoo
form-solution = solution
form-spray = spray
form-stick = stick
form-suppository = suppository
form-tablet = tablet
form-transdermal-gel = transdermal gel
form-troche = troche
form-vaginal-cream = vaginal cream
home-description = { $pharmacy } { $tagline } Health conditions explained, medicines we compound, and how to reach us.
category-other = Other
conditions-number = Conditions starting with a number or symbol
conditions-part-description = { $heading }: { $count } health conditions explained by { $pharmacy }.

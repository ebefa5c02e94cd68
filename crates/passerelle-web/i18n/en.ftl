# Passerelle web interface: English. Generated once from one table; now edited by hand.
# Every message here must exist in the other language with the same variables (tests/i18n.rs).

app-tagline = Which rules apply to your digital project
gc-signature = Government of Canada
canada-url = https://www.canada.ca/en.html
terms-url = https://www.canada.ca/en/transparency/terms.html
other-language = Français
skip-label = Skip links
skip-to-main = Skip to main content
footer-about = About this site
dcterms-language = eng
dcterms-creator = Government of Canada
nav-rules = Rules
nav-myths = Myths
nav-instruments = Acts and policies
error-title-prefix = Error:
start-title = Find the rules that apply to your project
start-lead = Answer a few questions about your project. Passerelle lists what you must do before, during and after, why, and who to ask.
start-how = Only the questions that matter to your situation are asked, one at a time. Every item cites the Act or policy it comes from. You can change your answers at any time.
start-journeys = Start with your situation
start-button = Start now
start-explore-title = Explore everything
start-explore-text = Start without a preset situation: you will be asked every question that can change the result.
start-explore-button = Start without a preset
start-browse = Browse the rules
start-packs = Rules used
start-privacy = Do not enter personal information about anyone: the questions are about your project, not about people. Your answers are kept on this server so you can come back to them with the page address.
pack-line = { $title } (version { $version })
count-rules =
    { $count ->
        [one] { $count } rule
       *[other] { $count } rules
    }
count-myths =
    { $count ->
        [one] { $count } myth
       *[other] { $count } myths
    }
count-instruments =
    { $count ->
        [one] { $count } Act, policy or other instrument
       *[other] { $count } Acts, policies and other instruments
    }
count-provisions =
    { $count ->
        [one] { $count } provision
       *[other] { $count } provisions
    }
back = Back
continue = Continue
yes = Yes
no = No
or = or
none-of-these = None of these
progress-question = Question { $number }
why-we-ask = Why we ask this
why-we-ask-intro = Your answer settles whether these apply to you:
why-we-ask-myths = It also settles whether these common beliefs concern your project:
saved-note = Your answers are saved as you go. To come back later, keep the address of this page.
date-year = Year
date-month = Month
date-day = Day
error-prefix = Error:
error-summary-title = There is a problem
err-choose-one = Select an answer
err-choose-some = Select at least one answer, or “None of these”
err-none-and-other = Select “None of these” or other answers, not both
err-not-an-option = Select one of the answers shown
err-number = Enter a whole number, like 12
err-amount = Enter an amount in dollars, like 50 or 1250.75
err-min = Enter { $value } or more
err-max = Enter { $value } or less
err-date-missing = Enter the year, the month and the day
err-date = Enter a real date, like 2027, 1 and 15
err-text-missing = Enter an answer
err-text-long = Enter 10,000 characters or fewer
err-bad-form = The form sent does not match this question. Your other answers are kept: answer the question again.
group-added =
    { $count ->
        [one] Added so far ({ $count })
       *[other] Added so far ({ $count })
    }
group-none-yet = Nothing added yet.
group-add-heading = Add one
group-add-button = Add
group-full = You have added the most this list can hold (200).
group-continue-none = If there are none, continue: the answer will be “none”.
group-continue-some =
    { $count ->
        [one] When the list is complete, continue. You have added { $count }.
       *[other] When the list is complete, continue. You have added { $count }.
    }
group-item = Item { $number }
group-none = None
remove = Remove
not-answered = Not answered
check-title = Check your answers
check-pending = Some questions are still to answer; your results will say what remains open.
check-pending-link = Answer the next question
check-journey = You started from: { $journey }
check-empty = No answers yet.
change = Change
check-next-title = Get your checklist
check-next-text = Your results are saved with a permanent link you can share with your team.
check-submit = See what applies
results-title = What applies to your project
results-summary =
    { $count ->
        [one] { $count } obligation, from { $pack } (version { $version }), rules in force on { $date }.
       *[other] { $count } obligations, from { $pack } (version { $version }), rules in force on { $date }.
    }
results-pack-changed = The rules have changed since this result was saved: what you see uses the current rules.
results-incomplete = Some rules need more answers. They are listed under “Rules that need more answers”.
results-contents = On this page
results-none = No obligation applies to your answers.
results-to-confirm = Rules to confirm
results-to-confirm-intro = These rules would apply, but they have not yet been checked against their source. Ask the policy owner.
results-undetermined = Rules that need more answers
results-displaced = Rules set aside by an exception
results-myths = Myths about your situation
results-contacts = Who to ask
results-keep = Keep or share this result
results-permalink-intro = This result is saved. Its permanent link:
results-json = Download the result as JSON
results-edit = Change your answers
results-new = Start a new project
intent = Why it exists:
owner = Who to ask:
sources = Sources
for-item = For { $item }
why-applies = Why this applies
rule-page-link = About this rule
myth-page-link = About this myth
to-confirm-why = Not yet verified:
explain-intro = It applies because:
explain-all = All of these:
explain-any = At least one of these:
explain-not = Not this:
explain-always = This rule always applies.
explain-holds = holds
explain-not-holds = does not hold
explain-unknown = not known yet
explain-your-answer = Your answer to “{ $question }”: { $answer }
explain-implied-answer = Taken as “{ $answer }” for “{ $question }”, from your other answers
explain-no-answer = No answer to “{ $question }”
explain-exceptions = Exceptions considered:
explain-exception-holds = it applies
explain-exception-not = it does not apply
rules-title = Rules
rules-lead = Every obligation Passerelle knows, by policy domain. Each one cites its source.
rules-by-domain = By domain
rules-exceptions = Exceptions
domain-other = Other
to-confirm-short = to confirm
kind-exception = Exception
rule-id = Identifier
domain = Domain
phase = When
applies-when = Applies when
always = Always
per-item = For each item
per-item-text = Once for each answer to “{ $group }”
layer = Layer
in-force = In force
period-from = since { $from }
period-to = until { $to }
period-from-to = from { $from } to { $to }
verification = Checked against the source
verified-on = Verified on { $date }
unverified-because = Not verified: { $reason }
instrument = Instrument
rule-displaced-by = Exceptions and rules that take precedence
rule-displaces = Rules this one sets aside
myths-title = Myths
myths-lead = Things delivery teams are often told that are not rules, or only partly.
myth-relevant-when = Comes up when
always-relevant = In every project
instruments-title = Acts and policies
instruments-lead = The Acts, regulations, policies, directives and standards the rules come from, with a plain-language paraphrase of each provision used.
official-text = Official text
provisions = Provisions used
provisions-none = No provision of this instrument is used yet.
provision-rules = Rules from this provision:
error-400-title = There is a problem with what was sent
error-400-text = The request could not be read. Nothing was changed: your answers are kept.
error-404-title = Page not found
error-404-text = We cannot find the page you asked for. Check the address, or start from the home page.
error-405-title = This page cannot do that
error-405-text = This kind of request is not accepted here.
error-413-title = What you sent is too large
error-413-text = The form sent was larger than this service accepts (256 KiB). Nothing was changed: your answers are kept. Go back and shorten your answer.
error-500-title = Sorry, something went wrong
error-500-text = The service could not finish your request. Try again in a few minutes.
error-interview-title = We cannot find these answers
error-interview-text = The address may be incomplete, or the answers were removed. You can start again.
error-start-again = Start again
error-go-back = Go back to the page
error-back-to-interview = Go back to your questions
error-home = Go to the home page

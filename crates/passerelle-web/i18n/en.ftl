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

## Generated documents (results page, document page)
doc-section-title = Documents
doc-intro = Drafts filled in from your answers, in English and in French. Read them, and have them reviewed, before you use them.
doc-none = No document applies to these answers.
doc-version-en = English
doc-version-fr = French
doc-file = { $format }, { $size } KB
doc-not-ready = Not ready yet: some questions need an answer.
doc-missing-intro = To produce this document, answer these questions first:
doc-in-interview = a question of the interview
doc-answer-link = Answer these questions
doc-formats-note = The HTML version opens in your browser, ready to print. The Markdown version is plain text that you can edit.
doc-back = Back to your results
doc-page-intro = Answer these questions to fill in this document. They are used only in documents: they do not change what applies.
doc-page-save = Save and produce the document
doc-page-note = Your answers are saved in a new copy of your results, with its own permanent link. The link you used to get here keeps showing the results as they were.
doc-page-interview-title = Questions of the interview
doc-page-interview-intro = These questions are part of the interview, and your answers can change what applies. Continue the interview to answer them: you will then see your results again, with this document.
doc-page-continue = Continue the interview
doc-page-ready = This document is ready, in English and in French.
doc-page-download = Download

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
## The case log, accounts and administration (src/cases.rs, case_form.rs, auth.rs, admin.rs)
account-nav-label = Your account
nav-cases = Case log
nav-users = Accounts
nav-audit = Audit trail
sign-in = Sign in
sign-out = Sign out
signed-in-as = Signed in as { $name }
sign-in-title = Sign in
sign-in-lead = Sign in to save situations in the case log and to read the ones not published yet.
sign-in-username = User name
sign-in-password = Password
sign-in-note = Accounts are made by an administrator. Published situations can be read without an account.
sign-in-already = You are signed in as { $name }. Signing in again replaces that session.
sign-in-no-username = Enter your user name
sign-in-no-password = Enter your password
sign-in-refused = The user name or password is not right
sign-in-limited-title = Too many attempts to sign in
sign-in-limited-text = For your security, signing in is paused after several wrong passwords. Try again in { $minutes } minutes (after { $time } UTC).
csrf-title = Your form could not be sent
csrf-text = Its security token was missing or had expired. Nothing was changed. Go back: what you typed is still in the form. Reload the page, then send it again.
csrf-form = The form's security token was missing or had expired, so nothing was saved. What you typed is below: check it and send the form again.
sign-in-with = Sign in with { $provider }
sign-in-with-password = Or sign in with a user name and password
oidc-try-again = Back to the sign-in page
oidc-state-title = This sign-in has expired
oidc-state-text = We could not match this answer from your identity provider to a sign-in started in this browser: it took more than 10 minutes, was already used, or was started elsewhere. Nothing was changed. Start again from the sign-in page.
oidc-failed-title = Your identity could not be confirmed
oidc-failed-text = Your identity provider did not sign you in, or its answer did not pass our checks. You are not signed in. Try again; if it happens again, tell an administrator the time it happened.
oidc-unknown-title = No account for this identity
oidc-unknown-text = Your identity provider confirmed who you are, but no active Passerelle account is linked to this identity. Accounts are made by an administrator: give them this identifier, { $subject }, and ask them to create or enable your account.
oidc-unavailable-title = The identity provider cannot be reached
oidc-unavailable-text = We could not reach your identity provider, or it answered something we could not use. You are not signed in. Try again in a few minutes, or sign in with a user name and password if you have one.
deny-title = You cannot do that
deny-admin = Only administrators can manage accounts and read the audit trail.
deny-edit-published = A published situation can only be changed by a policy specialist.
deny-edit-others = Contributors can change only the situations they wrote.
deny-status = Your role cannot give a situation this status: contributors can choose draft or answered.
deny-advice = Only policy specialists can give advice.
deny-sign-in = Sign in first.
cases-title = Case log
cases-lead = Situations delivery teams brought, what the rules said at the time and the advice given. You are seeing the published ones: sign in to see all.
cases-lead-signed-in = Situations delivery teams brought, what the rules said at the time and the advice given.
cases-search-label = Search the case log
cases-search-words = Words to look for
cases-search-words-hint = In English or French. Accents and plurals do not matter.
cases-search-more = More filters
cases-search-rule = Rule cited
cases-search-rule-hint = Its identifier, as shown on the rule's page, for example tell-purpose.
cases-search-from = Changed from
cases-search-to = Changed until
cases-search-button = Search
cases-any-domain = Any domain
case-search-bad-date = “{ $value }” is not a date: write it YYYY-MM-DD
cases-count = { $count ->
    [one] 1 situation
   *[other] { $count } situations
}
cases-none = No situation matches. Try other words or fewer filters.
cases-updated-on = changed { $date }
cases-pages = Pages of results
cases-prev = Previous page
cases-next = Next page
cases-page = Page { $page } of { $pages }
case-status = Status
case-status-draft = Draft
case-status-answered = Answered
case-status-needs-review = Needs review
case-status-published = Published
case-domain = Domain
case-domains = Domains
case-journey = Journey
case-consulted = Who was consulted
case-consulted-none = Nobody yet
case-created = Created
case-updated = Last changed
case-by-on = by { $who } on { $when }
case-revision = Revision
case-narrative-title = What the team is doing
case-advice-title = Advice
case-advice-none = No advice has been given yet.
case-advice-other-language = This advice was written in one language only.
case-needs-review-notice = A change in the rules altered what applies to this situation.
case-review-link = See the differences
case-review-title = Differences found by the re-check
case-review-line = Re-checked on { $when } with the rules in force on { $date }.
case-review-before = Before:
case-review-after = After:
case-verdict-title = What applied at the time
case-verdict-line = Worked out with the rules in force on { $date }, with these packs:
case-obligations = { $count ->
    [one] 1 obligation
   *[other] { $count } obligations
}
case-myths = { $count ->
    [one] 1 myth
   *[other] { $count } myths
}
case-to-confirm = { $count ->
    [one] 1 rule to confirm
   *[other] { $count } rules to confirm
}
case-none-recorded = Nothing applied.
case-text-missing = The text of { $id } was not recorded.
case-answers-title = The answers given
case-links-title = Rules and myths linked
case-history = This situation's history in the audit trail
case-edit = Edit this situation
case-back-to-situation = Back to the situation
case-new-title = Save this situation
case-edit-title = Edit the situation
case-new-submit = Save the situation
case-edit-submit = Save the changes
case-form-recorded = What will be recorded
case-form-about = The situation
case-form-pi-note = Situations are about projects, not people: do not write names, e-mail addresses, phone numbers or other personal information.
case-form-advice = Advice
case-form-status = Status
case-form-links = Rules and myths
case-as-of = Rules in force on
case-packs = Packs
case-applied = What applied
case-applied-counts = { $obligations } obligations, { $myths } myths, { $confirm } to confirm
case-field-title = Title
case-field-narrative = What the team is doing
case-field-lang = Language of the title and narrative
case-field-domains = Domains
case-field-consulted = Who was consulted
case-field-advice-en = Advice in English
case-field-advice-fr = Advice in French
case-field-status = Status
case-field-rules = Other rules to link
case-field-myths = Myths to link
case-hint-title = A short name for the situation, for example “Remote usability tests with a U.S.-hosted tool”.
case-hint-narrative = What the team wants to do and what it asked. Leave blank lines between paragraphs.
case-hint-consulted = The offices whose advice was sought.
case-hint-status = Published situations can be read by everyone, without an account.
case-hint-rules = Rule identifiers separated by spaces, as shown on each rule's page. The rules that applied are recorded already.
case-hint-myths = Myth identifiers separated by spaces.
case-lang-en = English
case-lang-fr = French
case-advice-specialists = Advice is given by policy specialists.
case-err-title = Enter a title
case-err-title-long = The title must be 200 characters or fewer
case-err-narrative = Describe what the team is doing
case-err-too-long = This text must be 20,000 characters or fewer
case-err-lang = “{ $value }” is not a language: choose English or French
case-err-domain = “{ $value }” is not a domain
case-err-consulted = “{ $value }” is not a contact of the packs
case-err-status = “{ $value }” is not a status
case-err-rule = There is no rule “{ $value }”
case-err-myth = There is no myth “{ $value }”
case-err-revision = The form is missing its revision number: open the edit page again
case-conflict = Someone else changed this situation while you were editing it (it is now at revision { $revision }). Nothing was saved. Their version is shown below; your text is kept in the form.
case-conflict-current = The version saved now
case-conflict-kept = Your changes are still in the form below. Check them against this version, then save again.
case-no-result-title = There is no result to save
case-no-result-text = A situation is saved from a results page. Answer the questions first, then choose “Save this situation” on the results.
pi-question = This looks like personal information ({ $kind }): “{ $text }”
pi-summary = { $field }: “{ $text }” may be personal information ({ $kind }). Remove it, or confirm it is not about a person.
pi-hint = Situations are about projects, not people. Keep it only if it is not personal information about a person, such as an office's general phone number.
pi-remove = Remove it from the text
pi-keep = Keep it: it is not personal information about a person
others-title = Others in your situation
others-intro = Published situations that cited the same rules, with the advice given:
save-situation-title = Save this situation
save-situation-text = Record these answers and what applies in the case log, with a title, a description and the advice given, so the answer can be reused.
save-situation = Save this situation
save-situation-sign-in = Sign in to save this situation
users-title = Accounts
users-lead = People who can write in the case log. Contributors save situations; policy specialists also give advice and publish; administrators also manage accounts.
users-name = Name
users-role = Role
users-state = State
users-actions = Changes
users-active = Active
users-disabled = Disabled
users-oidc = Signs in with OpenID Connect as { $identity }
users-self = Your own account
users-change-role-for = New role for { $name }
users-change-role = Change the role
users-disable = Disable
users-enable = Enable
users-new = Create an account
users-display-name = Name shown
users-password = First password
users-password-hint = At least 12 characters. Give it to the person by a separate channel.
users-create = Create the account
role-contributor = Contributor
role-policy-specialist = Policy specialist
role-admin = Administrator
user-err-username = Enter a user name made of letters, digits and . _ - @ (100 characters at most)
user-err-display-name = Enter the name to show
user-err-role = Choose a role
user-err-password = The password must be at least 12 characters long
user-err-taken = This user name is taken
user-err-self = You cannot change the role of your own account or disable it
user-err-action = That change is not one this page makes
audit-title = Audit trail
audit-lead = Every change to situations and accounts, newest first. Nothing in it can be changed or deleted.
audit-when = When
audit-who = Who
audit-what = What
audit-changes = Fields changed
audit-field = Field
audit-before = Before
audit-after = After
audit-value = The value recorded
audit-none = Nothing has been recorded yet.
audit-older = Older entries
audit-newest = Newest entries
audit-all = See every entry
audit-only-entity = Only the entries about { $id }.
audit-action-create = Created
audit-action-update = Changed
audit-action-recheck = Re-checked
audit-action-import = Imported
audit-action-sign-in = Signed in
audit-entity-situation = situation
audit-entity-user = account

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

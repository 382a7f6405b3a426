"""Spoken scripts full of PII, and the voices that read them, for the recognised-speech PII corpus.

Each script is a call or meeting in US or UK English with its PII marked ``{TYPE:spoken words}``
(every occurrence, repeats of a name included). ``tests.support.asr_corpus`` speaks every script
with every voice (espeak-ng), transcribes the recordings with offline-tiny.en as ``clearscribe
run`` does, and labels the marked spans in what recognition wrote.

Scripts and voices are split in three. The rules were developed on the *tuned* part (tuned
voices reading tuned scripts). Every other recording with a *held-out* voice or script was
written before the rules, measured once as it was and reported, then read to find what the rules
missed in general. Recordings with an *unseen* voice or script were made after that and were
not looked at before the final measurement: the stand-in for recordings nobody here will see.
The no-PII scripts (prices, dates, times, versions, chapters, room numbers) measure
over-redaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tests.support.scripts import Script

Split = Literal["tuned", "held-out", "unseen", "dev", "test"]


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice (``voice`` may carry a variant: ``en-us+f3``), its speed in words per
    minute, and the level of pink/brown noise mixed in by ffmpeg (0: clean)."""

    name: str
    voice: str
    words_per_minute: int
    split: Split
    noise: Literal["", "pink", "brown", "white"] = ""
    noise_amplitude: float = 0.0


@dataclass(frozen=True)
class PiiScript:
    name: str
    script: Script
    split: Split
    has_pii: bool = True


VOICES: tuple[Voice, ...] = (
    Voice("us-m-160", "en-us", 160, "tuned"),
    Voice("gb-m-150", "en-gb", 150, "tuned"),
    Voice("scot-m-140", "en-gb-scotland", 140, "tuned"),
    Voice("us-f3-175", "en-us+f3", 175, "tuned"),
    Voice("rp-m-130", "en-gb-x-rp", 130, "tuned"),
    Voice("car-m-155-noise", "en-029", 155, "tuned", "pink", 0.04),
    Voice("gb-f4-190", "en-gb+f4", 190, "held-out"),
    Voice("nyc-m-200", "en-us-nyc", 200, "held-out"),
    Voice("lanc-f2-145-noise", "en-gb-x-gbclan+f2", 145, "held-out", "brown", 0.06),
    Voice("wmid-m-170", "en-gb-x-gbcwmd", 170, "held-out"),
    Voice("us-m3-185", "en-us+m3", 185, "unseen"),
    Voice("scot-f2-165-noise", "en-gb-scotland+f2", 165, "unseen", "pink", 0.05),
)

US_BANK_CALL = Script(
    "Hello, thank you for calling First Harbor Bank, this is {PERSON:Daniel Brooks} speaking. "
    "How can I help you today?"
    "\n\n"
    "Hi {PERSON:Daniel}, my name is {PERSON:Margaret Thornton} and I'm calling about a charge on my card. "
    "It was one hundred and twenty nine dollars on March third."
    "\n\n"
    "Sure, I can help with that. Can I have the card number please?"
    "\n\n"
    "Yes, the card number is {CREDIT_CARD:four five three nine, one four eight zero, three four three six, "
    "four seven one two}. The expiry date is {CREDIT_CARD:oh nine slash twenty seven} and the security code "
    "is {CREDIT_CARD:four one seven}."
    "\n\n"
    "Thank you. And for verification, your social security number?"
    "\n\n"
    "It's {US_SSN:five two four, three one, eight eight zero six}."
    "\n\n"
    "Great. What's the best phone number to reach you?"
    "\n\n"
    "You can reach me at {PHONE_NUMBER:four one five, five five five, zero one nine nine}, or by email at "
    "{EMAIL_ADDRESS:margaret dot thornton at temple mail dot com}."
    "\n\n"
    "And your date of birth?"
    "\n\n"
    "{DATE_OF_BIRTH:July fourth, nineteen seventy nine}."
    "\n\n"
    "I see the charge now. Would you like the refund to go to your checking account?"
    "\n\n"
    "Yes please. The account number is {BANK_ACCOUNT_NUMBER:four four seven eight two one nine three six} "
    "and the routing number is {BANK_ROUTING:zero two one, zero zero zero, zero two one}."
    "\n\n"
    "For the phone banking line my PIN is {PIN:seven three one nine}."
    "\n\n"
    "Our records show your address as {LOCATION:seven four two Evergreen Terrace, Springfield, Oregon}, "
    "zip code {POSTAL_CODE:nine seven four seven seven}. Is that right?"
    "\n\n"
    "Yes, that's right. Thank you {PERSON:Daniel}. The refund arrives in three to five business days, "
    "between nine and five."
)

UK_BANK_CALL = Script(
    "Good morning, you're through to Northgate Building Society, my name is {PERSON:Priya Raman}. "
    "Who am I speaking with?"
    "\n\n"
    "Hi {PERSON:Priya}, it's {PERSON:Oliver Pemberton}. I'd like to set up a transfer from my current account."
    "\n\n"
    "Of course. Could you give me your sort code and account number?"
    "\n\n"
    "The sort code is {BANK_ROUTING:two oh, double oh, one five} and the account number is "
    "{BANK_ACCOUNT_NUMBER:three one nine two, six eight one nine}."
    "\n\n"
    "Thank you. And your National Insurance number for the security check?"
    "\n\n"
    "It's {UK_NINO:Q Q, one two, three four, five six, C}."
    "\n\n"
    "And your date of birth?"
    "\n\n"
    "{DATE_OF_BIRTH:The fourteenth of March, nineteen eighty five}."
    "\n\n"
    "Lovely. Where should we send the confirmation letter?"
    "\n\n"
    "{LOCATION:Flat two, twenty one Kings Road, London}, postcode {POSTAL_CODE:N W one, six X E}."
    "\n\n"
    "And a mobile number in case we need to ring you back?"
    "\n\n"
    "My mobile is {PHONE_NUMBER:oh seven seven double oh, nine double oh, one two three}."
    "\n\n"
    "The money goes abroad, to {IBAN_CODE:G B two nine, N W B K, six oh one six one three, "
    "three one nine two six eight one nine}, SWIFT code {SWIFT_CODE:N W B K G B two L}."
    "\n\n"
    "Please send the receipt to {EMAIL_ADDRESS:oliver underscore pemberton at mail dot co dot uk}."
    "\n\n"
    "For telephone banking, my passcode is {PASSWORD:copper kettle forty two}."
    "\n\n"
    "Thank you Mr {PERSON:Pemberton}, the transfer of two thousand pounds is booked for Friday."
)

US_HR_ONBOARDING = Script(
    "Welcome to your first day at Redwood Analytics. I'm {PERSON:Hannah Kowalczyk} from people operations, "
    "and I'll walk you through the paperwork, it takes about twenty minutes."
    "\n\n"
    "Thanks. My name is {PERSON:Marcus Delgado}, and I brought my passport. The passport number is "
    "{PASSPORT_NUMBER:five three one, two eight four, seven seven nine}."
    "\n\n"
    "For the I nine form we also take your driver's license."
    "\n\n"
    "Sure, my driver's license number is {DRIVER_ID:D, five five two, eight one nine, four}."
    "\n\n"
    "And your social security number?"
    "\n\n"
    "{US_SSN:Seven seven one, two three, four four five six}."
    "\n\n"
    "Home address?"
    "\n\n"
    "{LOCATION:Fifteen eighteen Maple Grove Avenue, apartment four B, Columbus, Ohio}, zip code "
    "{POSTAL_CODE:four three two one five}."
    "\n\n"
    "Date of birth?"
    "\n\n"
    "I was born on {DATE_OF_BIRTH:November second, nineteen ninety}."
    "\n\n"
    "Who is your emergency contact?"
    "\n\n"
    "My sister, {PERSON:Elena Delgado}, her number is {PHONE_NUMBER:six one four, two eight three, nine nine zero one}."
    "\n\n"
    "Your employee ID is {ID_NUMBER:four four zero, one nine two, seven}, and your temporary password is "
    "{PASSWORD:orange pelican seventy seven}."
    "\n\n"
    "Payroll goes to account number {BANK_ACCOUNT_NUMBER:nine eight seven six five four three two one zero} "
    "with routing number {BANK_ROUTING:one two two, one zero five, one five five}."
    "\n\n"
    "Last thing, the parking permit needs your license plate."
    "\n\n"
    "It's {LICENSE_PLATE:seven, A B C, one two three}."
    "\n\n"
    "Great, that's everything. Welcome aboard, {PERSON:Marcus}. Orientation is in room two fourteen at ten thirty."
)

UK_IT_HELPDESK = Script(
    "IT service desk, {PERSON:Callum MacLeod} speaking."
    "\n\n"
    "Hi {PERSON:Callum}, this is {PERSON:Siobhan Gallagher} from the finance team. I'm locked out of my account."
    "\n\n"
    "No problem. What's your username?"
    "\n\n"
    "It's {USERNAME:s gallagher seven}."
    "\n\n"
    "And your staff number?"
    "\n\n"
    "{ID_NUMBER:Two oh four, eight eight one, six}."
    "\n\n"
    "Which machine are you on?"
    "\n\n"
    "My laptop's IP address is {IP_ADDRESS:one nine two dot one six eight dot zero dot four two}."
    "\n\n"
    "I've reset it. Your new temporary password is {PASSWORD:harbour seven nine lantern}."
    "\n\n"
    "While I have you, HR asked me to check your National Insurance number."
    "\n\n"
    "It's {UK_NINO:J G, one oh, three seven, five nine, A}."
    "\n\n"
    "And your car registration for the car park?"
    "\n\n"
    "{LICENSE_PLATE:K L five eight, R T X}."
    "\n\n"
    "What address should the new security pass go to?"
    "\n\n"
    "{LOCATION:Forty two Wellington Crescent, Leeds}, {POSTAL_CODE:L S six, two A B}."
    "\n\n"
    "And a personal mobile number?"
    "\n\n"
    "{PHONE_NUMBER:Plus four four, seven nine four six, oh nine five, eight one two}."
    "\n\n"
    "Your email is {EMAIL_ADDRESS:siobhan dot gallagher at northgate finance dot co dot uk}, right?"
    "\n\n"
    "Yes. And for the travel booking, my passport number is {PASSPORT_NUMBER:five one eight, two two nine, "
    "four seven three}, and my driving licence number is {DRIVER_ID:G A L L A, six five one two one five, "
    "S G nine I J}."
    "\n\n"
    "For expenses, sort code {BANK_ROUTING:forty, eleven, twenty six}, account number "
    "{BANK_ACCOUNT_NUMBER:seven one two nine, four four eight two}."
    "\n\n"
    "Thanks {PERSON:Callum}. No worries {PERSON:Siobhan}, the ticket is closed. Version three point two of the "
    "app is out on Monday."
)

QUARTERLY_REVIEW = Script(
    "Good afternoon everyone, let's start the quarterly review at two thirty. Revenue for the third quarter "
    "was four point two million dollars, up twelve percent on last year."
    "\n\n"
    "The new pricing starts at nineteen ninety nine a month, and the enterprise tier is one thousand two "
    "hundred and fifty dollars per seat."
    "\n\n"
    "We shipped version three point ten point two on October fifteenth, and version four point oh is planned "
    "for January twenty twenty five."
    "\n\n"
    "Please read chapter seven and chapter twelve of the handbook before the workshop in room four oh two. "
    "The offsite runs from the ninth to the eleventh of May in conference room B twelve."
    "\n\n"
    "We served one hundred and twenty thousand customers across thirty four countries, and the support "
    "queue dropped from eight hundred and fifty tickets to three hundred and ten."
    "\n\n"
    "Our target is two point five million users by twenty twenty six. The bus leaves at seven fifteen "
    "from gate twenty three, and lunch is at twelve forty five in room three one five."
    "\n\n"
    "Flight B A two eight seven departs at eighteen forty. Tickets cost forty nine pounds ninety nine."
    "\n\n"
    "The server handles four thousand requests per second with a latency of one hundred and twenty "
    "milliseconds. Between twenty nineteen and twenty twenty three we grew from fifteen to two hundred "
    "and forty employees."
    "\n\n"
    "Page three hundred and twelve of the report has the figures, and the appendix starts on page four "
    "hundred and six. See you all on the twenty first of November at nine a m."
)

# -- held out: written before the rules, never tuned on --------------------------------------------
US_INSURANCE_CLAIM = Script(
    "Thanks for calling Lakeside Mutual claims, you're speaking with {PERSON:Teresa Nguyen}. Can I get the "
    "policy holder's full name?"
    "\n\n"
    "{PERSON:Jerome Whitaker}, that's {PERSON:W H I T A K E R}."
    "\n\n"
    "Thank you, Mr {PERSON:Whitaker}. What's your policy number?"
    "\n\n"
    "It's {ID_NUMBER:P C, seven seven three, four one nine, two zero eight}."
    "\n\n"
    "And the vehicle involved?"
    "\n\n"
    "A twenty nineteen Honda Civic, plate number {LICENSE_PLATE:eight, K L M, four five two}."
    "\n\n"
    "What's your home address?"
    "\n\n"
    "{LOCATION:Three eighty one Birchwood Drive, Austin, Texas}, {POSTAL_CODE:seven eight seven zero four}."
    "\n\n"
    "Date of birth please."
    "\n\n"
    "I was born {DATE_OF_BIRTH:February twenty second, nineteen sixty eight}."
    "\n\n"
    "And the last four of your social?"
    "\n\n"
    "{US_SSN:Six six one two}."
    "\n\n"
    "We also need your Texas driver's license number."
    "\n\n"
    "Sure, {DRIVER_ID:four seven one nine, two eight zero six}."
    "\n\n"
    "For the deductible of five hundred dollars we can charge a card."
    "\n\n"
    "Go ahead, it's {CREDIT_CARD:five one zero five, one zero five one, zero five one zero, five one zero zero}, "
    "expires {CREDIT_CARD:eleven twenty six}, CVC {CREDIT_CARD:eight two two}."
    "\n\n"
    "Where should we deposit the claim payment?"
    "\n\n"
    "My checking account, {BANK_ACCOUNT_NUMBER:three three zero, one eight eight, four seven two, six}, routing "
    "{BANK_ROUTING:zero six one, zero zero zero, one zero four}."
    "\n\n"
    "Best callback number?"
    "\n\n"
    "{PHONE_NUMBER:Five one two, three zero four, eight eight one seven}. My email is "
    "{EMAIL_ADDRESS:jerome dot whitaker seventy one at gmail dot com}."
    "\n\n"
    "Your adjuster's direct line is {PHONE_NUMBER:eight hundred, five five five, zero one four two}, and the "
    "claim number is {ID_NUMBER:two zero two four, zero three, one one seven eight}."
    "\n\n"
    "I also set up your online account. The PIN is {PIN:two eight eight one} and the password is "
    "{PASSWORD:bluebird two thousand}."
    "\n\n"
    "Thanks {PERSON:Jerome}, an adjuster will call you within forty eight hours. The repair quote was two "
    "thousand four hundred and fifty dollars."
)

UK_ENERGY_CALL = Script(
    "Hello, Brightwater Energy, {PERSON:Gemma Fairbairn} speaking, how can I help?"
    "\n\n"
    "Hiya, I'm moving house and want to move my account over. The name's {PERSON:Rhys Llewellyn}."
    "\n\n"
    "Thanks {PERSON:Rhys}. Can you confirm the first line of your address and the postcode?"
    "\n\n"
    "{LOCATION:Nine Ashgrove Lane, Cardiff}, {POSTAL_CODE:C F ten, four A X}."
    "\n\n"
    "And the new address?"
    "\n\n"
    "{LOCATION:Seventeen Harbour View, Swansea}, post code {POSTAL_CODE:S A one, three R D}."
    "\n\n"
    "Your date of birth?"
    "\n\n"
    "{DATE_OF_BIRTH:Thirtieth of June, nineteen ninety two}."
    "\n\n"
    "I'll need the direct debit details."
    "\n\n"
    "Sort code {BANK_ROUTING:six oh, eighty three, seventy one}, account {BANK_ACCOUNT_NUMBER:two nine four seven, "
    "one one three eight}."
    "\n\n"
    "For the Priority Services register, what's your National Insurance number?"
    "\n\n"
    "{UK_NINO:N H, four four, seven one, two nine, B}."
    "\n\n"
    "Best number to reach you?"
    "\n\n"
    "Mobile's {PHONE_NUMBER:oh seven nine one one, one two three, four five six}, landline "
    "{PHONE_NUMBER:oh two nine, two oh eight seven, six five four three}."
    "\n\n"
    "And an email, {EMAIL_ADDRESS:rhys dot llewellyn at btinternet dot com}."
    "\n\n"
    "I'm paying the final bill from my partner's account in Germany, IBAN {IBAN_CODE:D E eight nine, three seven "
    "zero four, zero zero four four, zero five three two, zero one three zero zero zero}, BIC "
    "{SWIFT_CODE:C O B A D E F F X X X}."
    "\n\n"
    "Can I see some ID for that?"
    "\n\n"
    "My passport number is {PASSPORT_NUMBER:one two five, three nine nine, eight four one}."
    "\n\n"
    "Set a telephone password too?"
    "\n\n"
    "Make it {PASSWORD:dragon castle nine}. Oh, and the smart meter hub's IP is "
    "{IP_ADDRESS:ten dot zero dot one dot twenty five}."
    "\n\n"
    "Lovely, {PERSON:Rhys}, the move is booked for the twelfth of August between eight and twelve. Your "
    "reference is {ID_NUMBER:B W, four four one, nine zero two, seven}."
)

CONFERENCE_LOGISTICS = Script(
    "Hi all, a quick logistics update for the developer conference. Registration opens at eight thirty on "
    "Tuesday the fourth of June."
    "\n\n"
    "Early bird tickets are two hundred and ninety nine dollars until May thirty first, then three hundred "
    "and forty nine."
    "\n\n"
    "The keynote is in hall C at nine fifteen, and the workshops run in rooms one oh four, one oh six and "
    "two twelve."
    "\n\n"
    "Please install version two point seven point one of the SDK, or version three point oh beta two. "
    "Section four point three of the guide covers the new API, and chapter nine has the exercises."
    "\n\n"
    "We expect about two thousand five hundred attendees from forty two countries, up eighteen percent. "
    "Coffee is at ten forty five and lunch at twelve thirty."
    "\n\n"
    "The hotel block at the Riverside is one hundred and fifty nine pounds a night, and the rate code "
    "expires on the first of May."
    "\n\n"
    "Trains leave platform nine every twenty minutes, and the last one is at twenty three oh five. The "
    "Wi-Fi runs at five hundred megabits per second."
    "\n\n"
    "Last year we raised twelve thousand four hundred dollars for charity, and the goal this year is "
    "fifteen thousand. The closing session ends at five p m on Thursday the sixth."
)

# -- unseen: written after the held-out part was read, not looked at before the final measurement --
US_PHARMACY_CALL = Script(
    "Good afternoon, Lakeview Pharmacy refill line, this is {PERSON:Marisol Ortega}, who am I speaking with?"
    "\n\n"
    "Hi {PERSON:Marisol}, this is {PERSON:Douglas Fairweather}, I need to refill my blood pressure prescription."
    "\n\n"
    "Sure, can you confirm your date of birth?"
    "\n\n"
    "It's {DATE_OF_BIRTH:December ninth, nineteen fifty two}."
    "\n\n"
    "And the member ID on your insurance card?"
    "\n\n"
    "{ID_NUMBER:W X Y, four four two, nine one eight, three three}."
    "\n\n"
    "Is your address still {LOCATION:twelve ninety Lakeshore Boulevard, Cleveland, Ohio}, "
    "{POSTAL_CODE:four four one one four}?"
    "\n\n"
    "Yes it is. You can call me at {PHONE_NUMBER:two one six, five five five, zero one seven three} when it's ready."
    "\n\n"
    "The copay is twelve dollars and fifty cents. How would you like to pay?"
    "\n\n"
    "Visa, the number is {CREDIT_CARD:four zero one two, eight eight eight eight, eight eight eight eight, "
    "one eight eight one}, expiration {CREDIT_CARD:zero three, twenty eight}, and the code on the back is "
    "{CREDIT_CARD:five five one}."
    "\n\n"
    "Thanks. For the controlled medication we need the last four of your social and your driver's license."
    "\n\n"
    "The last four are {US_SSN:three three nine one}, and my Ohio license is {DRIVER_ID:R S, one two three, "
    "four five six}."
    "\n\n"
    "Would you like the receipt by email?"
    "\n\n"
    "Yes, {EMAIL_ADDRESS:doug dot fairweather at yahoo dot com}. And I set up the online portal, my username is "
    "{USERNAME:d fairweather fifty two}, but I forgot the password."
    "\n\n"
    "I've reset it to {PASSWORD:maple syrup sunrise}, and your phone PIN is {PIN:six zero four eight}. It will be "
    "ready after three p m, {PERSON:Douglas}."
)

UK_COUNCIL_CALL = Script(
    "Good morning, council tax team, {PERSON:Aisha Khan} speaking."
    "\n\n"
    "Morning, it's {PERSON:Thomas Whitfield}, I've just moved and I want to update my account."
    "\n\n"
    "No problem {PERSON:Thomas}. What's your council tax reference?"
    "\n\n"
    "{ID_NUMBER:Nine eight seven, six five four, three two one}."
    "\n\n"
    "And the new address?"
    "\n\n"
    "{LOCATION:Fourteen Cherry Tree Close, Bradford}, postcode {POSTAL_CODE:B D nine, four T W}."
    "\n\n"
    "Can you confirm your date of birth and National Insurance number?"
    "\n\n"
    "{DATE_OF_BIRTH:Twenty third of April, nineteen seventy six}, and {UK_NINO:A B, one two, three four, "
    "five six, D}."
    "\n\n"
    "I'll set up the direct debit. Sort code?"
    "\n\n"
    "{BANK_ROUTING:Eight three, double two, one eight}, account {BANK_ACCOUNT_NUMBER:five five six six, seven "
    "seven eight eight}."
    "\n\n"
    "A contact number?"
    "\n\n"
    "Home is {PHONE_NUMBER:oh one one three, four nine six, oh two two one}, mobile "
    "{PHONE_NUMBER:oh seven four double one, two three four, five six seven}."
    "\n\n"
    "And an email for the bills?"
    "\n\n"
    "{EMAIL_ADDRESS:tom underscore whitfield at hotmail dot co dot uk}."
    "\n\n"
    "You also asked about a parking permit. What's the car registration?"
    "\n\n"
    "{LICENSE_PLATE:Y K one nine, B N O}. And you wanted ID, my passport number is "
    "{PASSPORT_NUMBER:eight two seven, one one four, six zero nine}."
    "\n\n"
    "The refund of the old account goes to {IBAN_CODE:G B three three, B U K B, two zero two zero one five, "
    "five five five five five five}, BIC {SWIFT_CODE:B U K B G B two two}."
    "\n\n"
    "For the online form, the council saw your IP as {IP_ADDRESS:one seven two dot sixteen dot four dot "
    "two hundred}. That's all done, {PERSON:Thomas}, the first bill of one hundred and twelve pounds is due on "
    "the first of June."
)

PRODUCT_STANDUP = Script(
    "Morning all, this is the sprint twenty four stand up. We closed forty two tickets last week and the p "
    "ninety five latency is down to three hundred and eighty milliseconds."
    "\n\n"
    "Build one two three four passed at quarter past ten, and version five point one point three goes out on "
    "the seventeenth of March."
    "\n\n"
    "The budget for next quarter is one point five million pounds, and the 2023 report says we grew between "
    "2020 and 2024 by thirty one percent."
    "\n\n"
    "Conversion was three point four percent, and the app had twelve thousand five hundred downloads."
    "\n\n"
    "The design review is in room twelve oh four, see page two hundred and eight of the spec, chapter eleven."
    "\n\n"
    "I'm flying out on flight U A nine one seven at six forty five from gate fourteen, and the hotel bill came "
    "to one hundred and seventy two pounds fifty."
    "\n\n"
    "Item seven on the agenda is the offsite, which runs from the twelfth to the fourteenth of May. That's all, "
    "thanks everyone."
)

SCRIPTS: tuple[PiiScript, ...] = (
    PiiScript("us-bank-call", US_BANK_CALL, "tuned"),
    PiiScript("uk-bank-call", UK_BANK_CALL, "tuned"),
    PiiScript("us-hr-onboarding", US_HR_ONBOARDING, "tuned"),
    PiiScript("uk-it-helpdesk", UK_IT_HELPDESK, "tuned"),
    PiiScript("quarterly-review", QUARTERLY_REVIEW, "tuned", has_pii=False),
    PiiScript("us-insurance-claim", US_INSURANCE_CLAIM, "held-out"),
    PiiScript("uk-energy-call", UK_ENERGY_CALL, "held-out"),
    PiiScript("conference-logistics", CONFERENCE_LOGISTICS, "held-out", has_pii=False),
    PiiScript("us-pharmacy-call", US_PHARMACY_CALL, "unseen"),
    PiiScript("uk-council-call", UK_COUNCIL_CALL, "unseen"),
    PiiScript("product-standup", PRODUCT_STANDUP, "unseen", has_pii=False),
)


def recording_split(script: PiiScript, voice: Voice) -> Split:
    """A recording is tuned only when both its script and its voice are, unseen when either is."""
    if "unseen" in (script.split, voice.split):
        return "unseen"
    return "tuned" if script.split == voice.split == "tuned" else "held-out"

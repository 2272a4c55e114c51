"""Common given names and the gender they usually go with: the prior the drafter falls back on
when the article itself gives no cue (Mr./Ms., "spokeswoman", the he or she used of the person).

A person's own article always wins over this list (see `speakers.genders`); names used for both
("Jordan", "Taylor", "Robin") are in neither set. Written out by hand from common English-language
given names, with some frequent in world news; it is a prior, not a fact about anyone.
"""

MALE_NAMES = frozenset("""
aaron abdul abe abraham adam adrian ahmed al alan albert alberto alec alejandro alex alexander alexei alfred
ali allen alonzo alvin amir andre andreas andrew andy angelo anthony antonio archie arnold
arthur artur austin barack barry bashar ben benjamin bernard bernie bill billy bob bobby boris brad bradley
brandon brendan brent brett brian bruce bryan bud burt byron calvin carl carlos cecil cedric chad charles
charlie chester chris christian christopher chuck clarence clark claude clay clayton clifford clint
cody cole colin conor corey cory craig curt curtis dale damon dan daniel danny darrell darren dave david
dean dennis derek devin dick dimitri dmitry don donald doug douglas duane dustin dwayne dwight earl ed eddie
edgar eduardo edward edwin elijah elliot elliott elmer elon emanuel emmanuel enrique eric erik ernest ernie
ethan eugene evan felix fernando francis francisco frank franklin fred freddie frederick gabriel gareth
garrett gary gavin gene geoff geoffrey george gerald gerard gerhard giuseppe glen glenn gordon graham grant
greg gregory gus guy hal hank hans harold harry harvey hassan hector henry herbert herman howard hugh hugo
ian ibrahim igor isaac ivan jack jackson jacob jake james jared jason javier jay jean-claude jeb jeff
jeffrey jeremiah jeremy jerome jerry jesse jesus jim jimmy joe joel joey johan john johnny jon jonathan
jorge jose joseph josh joshua juan julian justin karl keith ken kenneth kent kevin khalid kirk kurt
kyle lamar lance larry lawrence len leo leon leonard leroy lester lewis lloyd logan
lonnie louis luca lucas luis luke malcolm manuel marc marco marcus mario mark marshall martin marvin matt
matteo matthew maurice max michael miguel mike milton mitch mitchell mohamed mohammad mohammed muhammad nathan
nathaniel ned neil nelson newt nicholas nick nicolas nigel noah norman oliver omar orrin oscar otto owen pablo
patrick paul pedro pete peter phil philip phillip pierre rafael ralph ramon randall randy raul ray
raymond reed reggie reginald reid reince rex ricardo richard rick ricky rob robert roberto rod roger roland
rodrigo rolf roman ron ronald ronnie ross roy rudolph rudy rupert russ russell rusty ryan salvador sam samuel
saul scott sean sebastian sergei sergey seth shane shawn sheldon sherrod sidney simon spencer stan stanley
stefan stephen steve steven stewart stuart ted terence terrence theodore thomas tim timothy todd tom tommy
tony travis trent trevor troy tyler umar vernon victor vince vincent vladimir wade walter warren wayne
wesley wilbur will willard william willie wolfgang xavier yusuf zachary zach
raj rahul arjun vikram sanjay amit anil ravi sunil vijay deepak rohan narendra kenji hiroshi takeshi shinzo sergio diego
andres mateo santiago joaquin emilio giovanni paolo lorenzo francesco andrei dmitri mikhail nikolai oleg yuri vladislav
volodymyr petro taras bogdan kwame kofi chidi emeka tunde femi jamal tyrone darnell deshawn malik rashid tariq karim
mustafa hamid reza farid ahmad mahmoud abdullah moshe yosef avi eitan lars sven nils bjorn jens anders klaus jurgen
dieter helmut uwe pieter joost liam declan ciaran eoin finn rory benedict emmanuel recep viktor valerii kyrylo vasily
""".split())

FEMALE_NAMES = frozenset("""
abby abigail ada adele adriana agnes aisha alexandra alexis alice alicia alison allison alma amanda amber amelia
amy ana anastasia andrea angela angelina angie anita ann anna anne annette annie antoinette april arlene ashley
audrey barbara beatrice becky belinda bernadette betsy betty beverly bonnie brenda bridget brittany brooke
camila candace candice carla carmen carol carole caroline carolyn carrie catherine cathy cecilia celia charlene
charlotte chelsea cheryl christina christine christy cindy claire clara claudia colleen connie constance
cora courtney crystal cynthia daisy danielle daphne darlene dawn debbie deborah debra delia denise diana
diane dianne dolores donna doris dorothy edith eileen elaine eleanor elena elisabeth elizabeth ella ellen
eloise elsa emily emma erica erin esther ethel eva evelyn fatima felicia fiona florence frances gabriela
gabrielle gail georgia geraldine gina ginger gisele gladys gloria grace gretchen gwen gwendolyn hannah harriet
heather heidi helen helena hillary holly hope ida ilhan irene iris isabel isabella ivanka jackie jacqueline
jane janet janice jasmine jean jeanne jeannie jenna jennifer jenny jessica jill jo joan joann joanna joanne
jodi josephine joy joyce judith judy julia julie june karen karin kate katherine kathleen kathryn kathy katie
katrina kay kayla kellyanne kimberly kirsten krista kristen kristin kristina lara laura lauren leah
lila lillian linda lisa lois loretta lori lorraine louise lucia lucille lucy lydia lynn madeleine
madeline maggie mara marcia margaret margarita maria marian marianne marie marilyn marina marjorie
marla marsha martha mary maureen maxine megan meghan melania melanie melinda melissa mia michaela michele
michelle mildred miranda miriam molly monica monique muriel myra nadia nancy naomi natalie natasha nicole nikki
nina nora norma olga olivia paige pamela patricia patsy patty paula pauline peggy penny phyllis priscilla
rachel rebecca regina renee rhonda rita roberta robyn rosa rosalind rose rosemary roxanne ruth sabrina sally
samantha sandra sara sarah sharon sheila shelley sherry shirley sofia sonia sophia sophie stacey stacy
stella stephanie sue susan susanne suzanne sylvia tamara tammy tanya tara teresa theresa tiffany tina tracy
tulsi valerie vanessa vera veronica vicki victoria viola violet virginia vivian wanda wendy whitney yolanda
yvonne zoe
lena priya ines maeve anya leila layla yasmin amina zainab yuki keiko olena oksana svetlana tatiana irina ekaterina
natalia magdalena agnieszka ingrid astrid greta freya siobhan aoife niamh saoirse rania noor hana chloe maya ava isla
ella lily nia imani keisha latoya tamika ebony aaliyah kiara priyanka deepa sunita lakshmi meera ananya divya pooja
neha kavita rekha shreya marisol guadalupe alejandra valentina daniela fernanda paola ximena beatriz leticia graciela
francesca giulia chiara ilse anke birgit ulrike heike sabine petra monika malia sasha kamala nancy
""".split())


def name_gender(first_name: str):
    """ "he", "she" or None for a given name, by the lists above."""
    word = first_name.lower().strip(".,'’")
    return "he" if word in MALE_NAMES else "she" if word in FEMALE_NAMES else None

# Thin wrapper over tasks.py (which needs only Python 3 and pip); `make` is optional.
PYTHON ?= python3

.PHONY: book book-en book-zh i18n-update test execute bench student pdf grade-release lab lab-student env clean

book:          ## build the HTML book: English into _build/html, Chinese into _build/html/zh
	$(PYTHON) tasks.py book

book-en:       ## the English edition only
	$(PYTHON) tasks.py book --lang en

book-zh:       ## the Chinese edition only (中文版), into _build/html/zh
	$(PYTHON) tasks.py book --lang zh

i18n-update:   ## merge changed English text into the Chinese catalogues (locales/zh_CN)
	$(PYTHON) tasks.py i18n update

test:          ## every test: unit, doctest, nbval (strict) on every chapter, book build -W
	$(PYTHON) tasks.py test

execute:       ## Restart & Run All on every chapter, storing fresh outputs
	$(PYTHON) tasks.py execute

bench:         ## benchmarks that print ratios against torch
	$(PYTHON) tasks.py bench

student:       ## the student edition (no solutions): _build/student/, HTML in _build/student/_build/html
	$(PYTHON) tasks.py student

pdf:           ## the print edition: _build/pdf/book.pdf (with solutions), book-student.pdf (without)
	$(PYTHON) tasks.py pdf

grade-release: ## otter-grader releases per chapter: _build/grading/<chapter>/
	$(PYTHON) tasks.py grade-release

lab:           ## JupyterLab on 127.0.0.1 (token on), opened at chapter 1; Ctrl-C stops it
	$(PYTHON) tasks.py lab

lab-student:   ## the same in the student edition (_build/student, built first if missing)
	$(PYTHON) tasks.py lab --student

env:           ## create/update .venv with the pinned requirements
	$(PYTHON) tasks.py env

clean:
	rm -rf _build .jupyter_cache

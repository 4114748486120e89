"""Wagtail's and wagtail-modeladmin's own messages that this project words its own way.

Their catalogues put a model's name into a fixed Russian frame ("Еще нет ни одного
%(name)s", "Вернуться к списку %(model_name)s"), which cannot agree in case and gender
with every name. Our catalogue (LOCALE_PATHS, read before the apps' catalogues) words
them whole, without the name, or fills the gaps of Wagtail's translation. They are listed
here only so that `makemessages` keeps them in locale/; nothing imports this module.
Phrases written without the name drop its placeholder, hence "no-python-format".

The admins with their own phrases (`cms.staff_admin.phrases`) never show the composed
ones; these cover the rest of the pages.
"""

from django.utils.translation import gettext_noop

MODELADMIN = [
    # xgettext:no-python-format
    gettext_noop("Back to %(model_name)s list"),
    # xgettext:no-python-format
    gettext_noop("No %(name)s have been created yet."),
    # xgettext:no-python-format
    gettext_noop('Why not <a href="%(url)s">add one</a>?'),
    # xgettext:no-python-format
    gettext_noop("Sorry, there are no %(name)s matching your search parameters."),
    # xgettext:no-python-format
    gettext_noop("Search %(name)s"),
    # xgettext:no-python-format
    gettext_noop("By %(filter_title)s"),
    # xgettext:no-python-format
    gettext_noop("The %(object)s could not be created due to errors."),
    # xgettext:no-python-format
    gettext_noop("The %(object)s could not be saved due to errors."),
    # xgettext:no-python-format
    gettext_noop("Edit this %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Delete this %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Inspect this %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Add a new %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Add %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Create new %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Editing %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Inspecting %(object)s"),
    # xgettext:no-python-format
    gettext_noop("Confirm deletion of %(object)s"),
    # xgettext:no-python-format
    gettext_noop("%(model_name)s could not be deleted"),
    # xgettext:no-python-format
    gettext_noop("%(model_name)s '%(object)s' created."),
    # xgettext:no-python-format
    gettext_noop("%(model_name)s '%(object)s' updated."),
    # xgettext:no-python-format
    gettext_noop("%(model_name)s '%(object)s' deleted."),
    # xgettext:no-python-format
    gettext_noop("Are you sure you want to delete this %(object)s? If other things in "
                 "your site are related to it, they may also be affected."),
]

WAGTAIL = [
    gettext_noop("Sign in to Wagtail"),
    gettext_noop("Enable custom keyboard shortcuts specific to Wagtail."),
    gettext_noop("Can access Wagtail admin"),
    gettext_noop("Actions (footer)"),
    gettext_noop("Wagtail core"),
    gettext_noop("Locked by"),
    gettext_noop("Anyone"),
    gettext_noop("Port"),
    gettext_noop("Site name"),
    gettext_noop(
        "JavaScript is required to use Wagtail, but it is currently disabled.<br /> "
        'Here are the <a href="https://www.enable-javascript.com/" target="_blank" '
        'rel="noreferrer">instructions how to enable JavaScript in your web browser</a>.'),
]

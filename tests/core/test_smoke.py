from cms.models import Category, Organisation, Subcategory


def test_demo_data_is_loaded(demo):
    assert Category.objects.count() == 31
    assert Subcategory.objects.count() == 314
    assert Organisation.objects.filter(region=demo).count() >= 25

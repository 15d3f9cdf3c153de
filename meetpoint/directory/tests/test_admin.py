from django.contrib.auth import get_user_model

from meetpoint.testworld import sign_in_verified


def test_site_administrator_sees_directory_in_django_admin(client, directory):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-admin-password")
    sign_in_verified(client, admin)
    for path in ("/admin/directory/service/", "/admin/directory/location/", "/admin/directory/taxonomyterm/"):
        assert client.get(path).status_code == 200, path
    page = client.get(f"/admin/directory/location/{directory.confidential_site.pk}/change/").content.decode()
    assert "Riverbend Hidden Door" in page


def test_django_admin_is_closed_to_partners(world, directory):
    response = world.client(world.home.admin).get("/admin/directory/service/")
    assert response.status_code == 302

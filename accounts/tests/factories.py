import factory

from accounts.models import Employee, Role


class EmployeeFactory(factory.django.DjangoModelFactory):
    """An employee with a built-in role (``role_code``); the password equals the login."""

    class Meta:
        model = Employee
        skip_postgeneration_save = True

    class Params:
        role_code = "manager"

    login = factory.Sequence(lambda n: f"employee{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda o: f"{o.login}@example.com")
    role = factory.LazyAttribute(lambda o: Role.objects.get(system_code=o.role_code))

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or obj.login)
        if create:
            obj.save(update_fields=["password"])


def restore_builtin_roles() -> None:
    """Put back the built-in roles as the migrations leave them.

    A transactional test (live server, threads) empties every table when it ends, the data
    migrations' rows included; the next one calls this first.
    """
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_builtin_roles").create_roles(apps, None)
    import_module("accounts.migrations.0003_reopen_permission").grant(apps, None)
    import_module("leads.migrations.0003_edit_permission").grant(apps, None)
    import_module("assets.migrations.0004_permissions").grant(apps, None)

import factory

from clients.models import AdCampaign, Client, ClientPhone, CustomField, Tag


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    kind = Client.Kind.PERSON
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


class OrganizationFactory(ClientFactory):
    kind = Client.Kind.ORGANIZATION
    first_name = ""
    last_name = ""
    name = factory.Faker("company")


class ClientPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientPhone

    client = factory.SubFactory(ClientFactory)
    number = factory.Sequence(lambda n: f"+55119{n % 4 + 6}{n:07d}")
    label = "Mobile"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class AdCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdCampaign

    name = factory.Sequence(lambda n: f"Source {n}")


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomField

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")
    kind = CustomField.Kind.TEXT

from . import test_temperature
from . import test_deal_type
from . import test_work_status
from . import test_dates
from . import test_bad_input
from . import test_access
from . import test_i18n
from . import test_external_api

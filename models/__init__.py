from . import crm_stage
from . import crm_team
from . import utm_source
from . import crm_lead

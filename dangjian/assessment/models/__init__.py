"""Assessment (考核、分类定级): versioned schemes, cycles with their review steps, surveys,
rectification tasks and work-report reviews (述职评议)."""
from .cycles import Assessment, AssessmentLog, CriterionResult, Cycle, Evidence
from .followup import Rectification, RectificationLog, ReviewRound, WorkReport, WorkReportRating
from .schemes import Criterion, Grade, ReviewStep, Scheme
from .surveys import Answer, Ballot, Option, Participation, Question, Response, Survey

__all__ = [
    "Answer", "Assessment", "AssessmentLog", "Ballot", "Criterion", "CriterionResult", "Cycle", "Evidence", "Grade",
    "Option", "Participation", "Question", "Rectification", "RectificationLog", "Response", "ReviewRound",
    "ReviewStep", "Scheme", "Survey", "WorkReport", "WorkReportRating",
]
